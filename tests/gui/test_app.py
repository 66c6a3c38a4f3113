from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from sns_desk.gui import app as gui_app
from sns_desk.gui.app import (
    PREFERRED_FONT_FAMILIES,
    apply_japanese_font,
    choose_font_family,
    create_application,
    install_translations,
)


def test_choose_font_family_prefers_windows_fonts() -> None:
    assert choose_font_family(["Arial", "Noto Sans CJK JP", "Meiryo UI"]) == "Meiryo UI"
    assert choose_font_family(["Yu Gothic UI", "Meiryo UI"]) == "Yu Gothic UI"
    assert choose_font_family(["noto sans jp"]) == "noto sans jp"
    assert choose_font_family(["DejaVu Sans"]) is None
    assert PREFERRED_FONT_FAMILIES[0] == "Yu Gothic UI"


def test_japanese_translations_are_installed(qapp: QApplication) -> None:
    translator = install_translations(qapp)
    assert translator is not None
    try:
        assert translator.language().startswith("ja")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_japanese_font_is_first_choice(qapp: QApplication) -> None:
    before = qapp.font()
    try:
        family = apply_japanese_font(qapp)
        if family is None:
            pytest.skip("no Japanese font installed (apt-get install fonts-noto-cjk)")
        assert qapp.font().families()[0] == family
    finally:
        qapp.setFont(before)


def test_create_application_reuses_the_running_one(qapp: QApplication) -> None:
    assert create_application([]) is qapp


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on show()
def test_run_shows_the_window_and_returns_the_exit_code(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def fake_exec() -> int:
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        shown.extend(w.windowTitle() for w in windows)
        for w in windows:
            w.close()
        return 3

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert gui_app.run([]) == 3
    assert "sns_desk — 投稿チェック" in shown
