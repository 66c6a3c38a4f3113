"""The one error type of the archive reader."""

from __future__ import annotations


class ArchiveError(ValueError):
    """An archive that cannot be read safely or completely.

    ``message_ja`` (also ``str(error)``) is Japanese, written for the member of staff doing the import.
    """

    def __init__(self, message_ja: str) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja
