"""The desktop application: ``sns-desk`` with no subcommand starts here."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Final

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from .. import __version__

PREFERRED_FONT_FAMILIES: Final = ("Yu Gothic UI", "Meiryo UI", "Noto Sans CJK JP", "Noto Sans JP")
"""Japanese UI fonts, best first: Windows' own, then the Noto families found on Linux."""


def choose_font_family(available: Iterable[str]) -> str | None:
    """The first of :data:`PREFERRED_FONT_FAMILIES` that is in ``available`` (case-insensitive)."""
    by_key = {name.casefold(): name for name in available}
    for family in PREFERRED_FONT_FAMILIES:
        found = by_key.get(family.casefold())
        if found is not None:
            return found
    return None


def install_translations(app: QCoreApplication) -> QTranslator | None:
    """Install Qt's own Japanese strings (standard dialogs, context menus).

    Returns the installed translator (a child of ``app``), or None when Qt's ``qtbase_ja``
    catalogue is not there.
    """
    translator = QTranslator(app)  # parented: lives as long as the application
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_ja", folder) or not QCoreApplication.installTranslator(translator):
        translator.deleteLater()
        return None
    return translator


def apply_japanese_font(app: QApplication) -> str | None:
    """Make a Japanese UI font the first choice, so kanji never take Chinese glyph shapes."""
    family = choose_font_family(QFontDatabase.families())
    if family is not None:
        font = app.font()
        families = [family, *(f for f in font.families() if f != family)]
        font.setFamilies(families)
        app.setFont(font)
    return family


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up for Japanese (reused if one already exists)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName("sns_desk")
    app.setApplicationDisplayName("sns_desk")
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    install_translations(app)
    apply_japanese_font(app)
    return app


def run(argv: list[str] | None = None) -> int:
    """Start the GUI and return its exit code."""
    app = create_application(argv)
    from .check_window import CheckWindow

    window = CheckWindow()
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(run())
