"""The Help menu: the guideline's gist, the full text at a configured place, shortcuts, version."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QKeySequence

from sns_desk import __version__
from sns_desk.gui import desk_window as desk_module
from sns_desk.gui.dialogs import AboutDialog, GuidelineSummaryDialog, SettingsDialog, ShortcutsDialog
from sns_desk.gui.guideline import (
    ARTICLE_GISTS,
    SETTINGS_KEY,
    guideline_location,
    location_url,
    set_guideline_location,
)

from .conftest import DRAFTER, OpenDesk
from .test_desk_window import Messages

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

GUIDELINE = Path(__file__).resolve().parents[3] / "shared" / "guideline" / "guideline-ja.txt"


def test_help_menu_entries(open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER)
    entries = [a.text() for a in window.help_menu.actions() if not a.isSeparator()]
    assert entries == [
        "ガイドラインの要点(&G)",
        "ガイドライン原文を開く(&O)",
        "ショートカット一覧(&S)",
        "バージョン情報(&A)",
    ]
    assert window.guideline_summary_action.shortcut() == QKeySequence("F1")


def test_guideline_summary_lists_articles_4_to_10(open_desk: OpenDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_desk(DRAFTER)
    shown: list[object] = []
    monkeypatch.setattr(GuidelineSummaryDialog, "ask", classmethod(lambda _cls, parent: shown.append(parent)))
    window.guideline_summary_action.trigger()
    assert shown == [window]

    dialog = GuidelineSummaryDialog(window)
    rows = dialog.rows()
    assert [row[0] for row in rows] == [f"第{n}条" for n in range(4, 11)]
    assert all(row[1] and row[2] for row in rows)
    assert dialog.windowTitle() == "ガイドラインの要点"
    dialog.deleteLater()


def test_gists_are_in_our_own_words() -> None:
    """No gist repeats ten characters in a row of the guideline's text."""
    if not GUIDELINE.exists():
        pytest.skip("the shared guideline text is not here")
    original = GUIDELINE.read_text(encoding="utf-8")
    for gist in ARTICLE_GISTS:
        for text in (gist.heading, gist.gist):
            copied = [text[i : i + 10] for i in range(len(text) - 9) if text[i : i + 10] in original]
            assert copied == [], gist.label


def test_guideline_location_is_kept_in_settings(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert guideline_location(settings) == ""
    set_guideline_location(settings, "  /srv/guideline.pdf ")
    assert settings.value(SETTINGS_KEY) == "/srv/guideline.pdf"
    assert guideline_location(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)) == "/srv/guideline.pdf"


def test_location_url() -> None:
    assert location_url("") is None
    assert location_url("https://example.lg.jp/g.pdf") == QUrl("https://example.lg.jp/g.pdf")
    assert location_url("/srv/g.pdf") == QUrl.fromLocalFile("/srv/g.pdf")
    assert location_url("file:///srv/g.pdf") == QUrl("file:///srv/g.pdf")


def test_open_guideline_opens_the_configured_place(
    open_desk: OpenDesk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = open_desk(DRAFTER)
    messages = Messages(monkeypatch)
    opened: list[QUrl] = []
    monkeypatch.setattr(desk_module, "open_location", lambda url: opened.append(url) or True)
    document = tmp_path / "guideline.html"
    document.write_text("<p>ガイドライン</p>", encoding="utf-8")

    # Nothing set yet: the user is told, and asked in the settings dialog.
    monkeypatch.setattr(SettingsDialog, "ask", classmethod(lambda _cls, _parent, current: str(document)))
    window.open_guideline_action.trigger()
    assert "設定されていません" in messages.texts()[0]
    assert window.settings.value(SETTINGS_KEY) == str(document)
    assert opened == [QUrl.fromLocalFile(str(document))]

    # A web address.
    set_guideline_location(window.settings, "https://www.city.higashihiroshima.lg.jp/guideline.html")
    assert window.open_guideline()
    assert opened[-1] == QUrl("https://www.city.higashihiroshima.lg.jp/guideline.html")

    # A file that is gone.
    set_guideline_location(window.settings, str(tmp_path / "missing.pdf"))
    assert not window.open_guideline()
    assert "見つかりません" in messages.texts()[-1]
    assert len(opened) == 2


def test_settings_dialog_from_the_menu(open_desk: OpenDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_desk(DRAFTER)
    asked: list[str] = []

    def ask(_cls: object, _parent: object, current: str) -> str | None:
        asked.append(current)
        return None  # cancelled: nothing stored

    monkeypatch.setattr(SettingsDialog, "ask", classmethod(ask))
    window.settings_action.trigger()
    assert asked == [""]
    assert guideline_location(window.settings) == ""


def test_shortcut_list(open_desk: OpenDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_desk(DRAFTER)
    shown: list[list[tuple[str, str]]] = []
    monkeypatch.setattr(ShortcutsDialog, "ask", classmethod(lambda _cls, _parent, rows: shown.append(list(rows))))
    window.shortcuts_action.trigger()
    rows = dict(shown[0])
    assert rows["新規投稿案"] == QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)
    assert rows["保存"] == QKeySequence("Ctrl+S").toString(QKeySequence.SequenceFormat.NativeText)
    assert rows["更新"] == "F5"
    assert {"承認申請", "承認", "差戻し", "警告を確認済みにする", "投稿用にコピー", "投稿済みにする", "履歴"} <= set(
        rows
    )


def test_about(open_desk: OpenDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_desk(DRAFTER)
    calls: list[object] = []
    monkeypatch.setattr(AboutDialog, "ask", classmethod(lambda _cls, parent: calls.append(parent)))
    window.about_action.trigger()
    assert calls == [window]
    assert __version__ in AboutDialog.text()


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
def test_check_tool_opens_the_check_window(open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER)
    tool = window.open_check_tool()
    assert tool.windowTitle() == "sns_desk — 投稿チェック"
    assert tool.isVisible()
    assert window.open_check_tool() is tool
