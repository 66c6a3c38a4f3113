"""Exit codes of every command (../shared/cli.md)."""

EXIT_OK = 0
"""Success."""
EXIT_FOUND = 1
"""The command worked and found problems (errors in a check, a step the rules refuse)."""
EXIT_USAGE = 2
"""Usage error or bad input; the message is on stderr."""
