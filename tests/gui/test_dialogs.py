"""The dialogs collect input; their OK button waits for what the core requires."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.checker import Finding, Severity
from sns_desk.gui.dialogs import (
    AcknowledgeDialog,
    DiscardDialog,
    HistoryDialog,
    MarkPostedDialog,
    NewDraftAnswer,
    NewDraftDialog,
    PostedAnswer,
    RejectDialog,
    SettingsDialog,
    ShortcutsDialog,
    timezone_text,
)
from sns_desk.services.audit import HistoryEntry

JST = dt.timezone(dt.timedelta(hours=9), "JST")
KOHO = Account(1, "x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", "kacho", AccountStatus.ACTIVE)
KANKO = Account(2, "instagram", "東広島市観光", "", "観光振興課", "kacho", AccountStatus.ACTIVE)
WARNING = Finding("confidential.deliberation", "6-5", Severity.WARNING, 5, 12, "検討中の事柄です。")


def test_reject_dialog_needs_a_comment() -> None:
    dialog = RejectDialog(None, "冬のおはなし会")
    assert dialog.windowTitle() == "差戻し"
    assert dialog.ok_button.text() == "差し戻す"
    assert not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("   \n")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # refused while incomplete (e.g. Enter pressed)
    assert dialog.result() == 0 and not dialog.isVisible()
    dialog.text_edit.setPlainText("  日付を入れてください \n")
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == "日付を入れてください"
    assert dialog.text_edit.accessibleName() == "差戻しのコメント"
    dialog.deleteLater()


def test_acknowledge_dialog_names_the_warning_and_needs_a_reason() -> None:
    dialog = AcknowledgeDialog(None, WARNING, "検討中")
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "第6条第5号" in intro and "「検討中」検討中の事柄です。" in intro
    assert dialog.text_edit.accessibleName() == "確認済みにする理由"
    assert not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("議会で公表済み")
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == "議会で公表済み"
    dialog.deleteLater()


def test_new_draft_dialog_lists_the_accounts_given() -> None:
    dialog = NewDraftDialog(None, [KOHO, KANKO], {"x": "X", "instagram": "Instagram"})
    combo = dialog.account_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["東広島市広報(X)", "東広島市観光(Instagram)"]
    combo.setCurrentIndex(1)
    dialog.title_edit.setText(" 紅葉だより ")
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == NewDraftAnswer(2, "紅葉だより")
    dialog.deleteLater()
    empty = NewDraftDialog(None, [], {})
    assert not empty.ok_button.isEnabled()
    empty.deleteLater()


def test_mark_posted_dialog_defaults_to_now_in_local_time() -> None:
    now = dt.datetime(2026, 12, 1, 0, 30, 45, tzinfo=dt.UTC)
    dialog = MarkPostedDialog(None, now)
    assert not dialog.ok_button.isEnabled()
    dialog.url_edit.setText(" https://x.com/hh_koho/status/1 ")
    assert dialog.ok_button.isEnabled()
    answer = dialog.answer()
    local = now.astimezone()
    assert isinstance(answer, PostedAnswer)
    assert answer.url == "https://x.com/hh_koho/status/1"
    assert answer.posted_at.tzinfo is not None
    assert answer.posted_at == local.replace(second=0)
    assert timezone_text(local) in dialog.zone_label.text()
    dialog.deleteLater()


def test_posting_from_outside_a_city_terminal_needs_a_reason() -> None:
    dialog = MarkPostedDialog(None, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    dialog.url_edit.setText("https://x.com/hh_koho/status/1")
    assert dialog.answer().off_terminal_reason == "" and not dialog.reason_edit.isEnabled()
    dialog.off_terminal_box.setChecked(True)
    assert dialog.reason_edit.isEnabled() and not dialog.ok_button.isEnabled()
    dialog.reason_edit.setText(" 停電で庁舎に入れないため ")
    assert dialog.ok_button.isEnabled()
    assert dialog.answer().off_terminal_reason == "停電で庁舎に入れないため"
    dialog.off_terminal_box.setChecked(False)
    assert dialog.answer().off_terminal_reason == ""
    dialog.deleteLater()


def test_timezone_text() -> None:
    assert timezone_text(dt.datetime(2026, 1, 1, tzinfo=JST)) == "JST(UTC+09:00)"
    assert timezone_text(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) == "UTC+00:00"


def test_settings_dialog_returns_the_location() -> None:
    dialog = SettingsDialog(None, "/srv/guideline.pdf")
    assert dialog.location_edit.text() == "/srv/guideline.pdf"
    dialog.location_edit.setText("  https://www.city.higashihiroshima.lg.jp/guideline  ")
    assert dialog.answer() == "https://www.city.higashihiroshima.lg.jp/guideline"
    dialog.deleteLater()


def test_history_dialog_lists_the_audit_trail_in_japan_time() -> None:
    at = dt.datetime(2026, 11, 20, 1, 0, 5, tzinfo=dt.UTC)
    entries = [
        HistoryEntry(at, "suzuki", "draft.created", "投稿案を作成", ""),
        HistoryEntry(at, "kacho", "draft.returned", "差戻し", "comment: 日付を入れてください"),
    ]
    dialog = HistoryDialog(None, "冬のおはなし会", entries)
    assert dialog.rows() == [
        ["2026/11/20 10:00:05", "suzuki", "投稿案を作成", ""],
        ["2026/11/20 10:00:05", "kacho", "差戻し", "comment: 日付を入れてください"],
    ]
    assert dialog.windowTitle() == "履歴 — 冬のおはなし会"
    dialog.deleteLater()


def test_an_empty_history_says_so() -> None:
    dialog = HistoryDialog(None, "新しい投稿案", [])
    assert dialog.rows() == []
    assert any(label.text() == "記録はまだありません。" for label in dialog.findChildren(QLabel))
    dialog.deleteLater()


def test_discard_dialog_needs_a_reason() -> None:
    dialog = DiscardDialog(None, "冬のおはなし会")
    assert not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("  \n ")
    assert not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("  行事が中止になったため\n")
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == "行事が中止になったため"
    assert dialog.windowTitle() == "破棄"
    dialog.deleteLater()


def test_shortcuts_dialog() -> None:
    dialog = ShortcutsDialog(None, [("保存", "Ctrl+S")])
    assert dialog.rows() == [["保存", "Ctrl+S"]]
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    dialog.deleteLater()
