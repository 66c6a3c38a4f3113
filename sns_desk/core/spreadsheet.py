"""Cells that are safe to open in Excel: text that starts like a formula is made inert."""

from __future__ import annotations

from typing import Final

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
"""What Excel (and LibreOffice) would read as the start of a formula or a command."""


def inert_cell(value: str) -> str:
    """``value`` as a CSV cell that Excel shows as text, never evaluates (a leading apostrophe)."""
    return "'" + value if value.startswith(FORMULA_START) else value
