from __future__ import annotations

from pathlib import Path

from ..errors import UserError


class RulebookError(UserError):
    """A rulebook that cannot be used, with where and why in Japanese."""

    def __init__(self, path: Path | None, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = str(path) if path is not None else "ルールブック"
        if line is not None:
            where += f" の {line} 行目"
        super().__init__(f"ルールブックを読み込めません: {where}: {problem}")
