"""The drafting desk over a real SQLite database: drafting, checking, approval, recording."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence
from pytestqt.qtbot import QtBot

from sns_desk.core.checker import Severity
from sns_desk.core.workflow import Draft, DraftState
from sns_desk.gui import desk_window as desk_module
from sns_desk.gui.desk_window import AUTOSAVE_DELAY_MS, WINDOW_TITLE, DeskWindow
from sns_desk.gui.dialogs import (
    AcknowledgeDialog,
    ConfirmDialog,
    HistoryDialog,
    MarkPostedDialog,
    NewDraftAnswer,
    NewDraftDialog,
    PostedAnswer,
    RejectDialog,
)
from sns_desk.gui.drafts_model import COLUMN_STATE, COLUMN_SUBJECT
from sns_desk.gui.errors import error_text
from sns_desk.services.desk import DeskService
from sns_desk.storage.errors import StorageError

from .conftest import (
    ACCOUNT_MANAGER,
    DRAFTER,
    OPS_MANAGER,
    SAVE_TIMEOUT_MS,
    SIGNAL_TIMEOUT_MS,
    Desk,
    Messages,
    OpenDesk,
    open_and_wait,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on show()

CREDENTIAL_POST = "職員用Wi-Fiのパスワードは abc12345 です。"
WARNING_POST = "来月から開館時間を短縮する方向で検討中です。"
CLEAN_POST = "12月5日(土)、図書館で冬のおはなし会を開催します。"


def finding_rules(window: DeskWindow) -> list[str]:
    return [f.rule for f in window.findings_model.findings()]


def wait_changed(qtbot: QtBot, window: DeskWindow, trigger: object) -> Draft:
    """Trigger a workflow action and wait for the draft after it."""
    with qtbot.waitSignal(window.draftChanged, timeout=SIGNAL_TIMEOUT_MS) as changed:
        assert callable(trigger)
        trigger()
    draft = changed.args[0]
    assert isinstance(draft, Draft)
    return draft


def pending_draft(desk: Desk, text: str = CLEAN_POST, author: str = DRAFTER) -> Draft:
    service = desk.service(author)
    draft = service.create_draft(desk.koho.id, text=text)
    return service.submit(draft.id)


def approved_draft(desk: Desk, text: str = CLEAN_POST) -> Draft:
    draft = pending_draft(desk, text)
    return desk.service(ACCOUNT_MANAGER).approve(draft.id)


# -- the window ------------------------------------------------------------------------------


def test_window_basics(open_desk: OpenDesk, desk: Desk) -> None:
    window = open_desk(DRAFTER)
    assert window.windowTitle() == WINDOW_TITLE == "sns_desk — 投稿デスク"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["ファイル(&F)", "編集(&E)", "投稿案(&D)", "表示(&V)", "管理(&M)", "ヘルプ(&H)"]
    assert window.new_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.save_action.shortcut() == QKeySequence("Ctrl+S")
    assert window.refresh_action.shortcut() == QKeySequence("F5")
    for action in window.toolbar.actions():
        if action.isSeparator():
            continue
        button = window.toolbar.widgetForAction(action)
        assert button is not None and button.accessibleName(), action.text()
    names = {window.toolbar.widgetForAction(a).accessibleName() for a in window.toolbar.actions() if a.text()}
    assert {"新規投稿案", "保存", "承認申請", "承認", "差戻し", "警告を確認済みにする", "投稿用にコピー"} <= names
    assert {"投稿済みにする", "履歴", "更新", "取り下げ", "破棄"} <= names

    assert window.user_label.text() == "利用者: suzuki(起案者)"
    assert window.database_label.text() == "データベース: desk.db"
    assert window.current_draft is None
    assert window.editor.isReadOnly()
    assert window.new_action.isEnabled()
    for action in window.workflow_actions:
        assert not action.isEnabled(), action.text()
    assert window.account_filter.count() == 3  # すべて + two accounts
    assert window.state_filter.count() == 1 + len(DraftState)


def test_the_operations_manager_role_is_shown(open_desk: OpenDesk) -> None:
    window = open_desk(OPS_MANAGER)
    assert window.user_label.text() == "利用者: tanaka(運用管理者)"


def test_new_draft_offers_postable_accounts_and_opens_the_draft(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_desk(DRAFTER)
    offered: list[list[int]] = []

    def ask(_cls: object, _parent: object, accounts: list[object], names: dict[str, str]) -> NewDraftAnswer:
        offered.append([a.id for a in accounts])  # type: ignore[attr-defined]
        assert names["x"] == "X"
        return NewDraftAnswer(desk.koho.id, "冬のおはなし会")

    monkeypatch.setattr(NewDraftDialog, "ask", classmethod(ask))
    with qtbot.waitSignal(window.draftChanged, timeout=SIGNAL_TIMEOUT_MS) as created:
        window.new_action.trigger()
    draft = created.args[0]
    assert offered == [[a.id for a in desk.service(DRAFTER).accounts(postable_only=True)]]
    assert (draft.account_id, draft.title, draft.author, draft.state) == (
        desk.koho.id,
        "冬のおはなし会",
        DRAFTER,
        DraftState.DRAFT,
    )
    assert window.current_draft == draft
    assert window.title_edit.text() == "冬のおはなし会"
    assert not window.editor.isReadOnly()
    # Platforms: only the account's.
    visible = [pid for pid, row in window.platform_rows.items() if not row.checkbox.isHidden()]
    assert visible == ["x"]
    assert window.selected_platforms() == ("x",)
    assert list(window.preview.pages) == ["x"]
    qtbot.waitUntil(lambda: window.drafts_model.row_of(draft.id) is not None, timeout=SIGNAL_TIMEOUT_MS)
    assert window.submit_action.isEnabled() and window.save_action.isEnabled()
    assert not window.approve_action.isEnabled()


def test_new_draft_cancelled_creates_nothing(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_desk(DRAFTER)
    asked: list[bool] = []
    monkeypatch.setattr(NewDraftDialog, "ask", classmethod(lambda *_: asked.append(True)))
    window.new_action.trigger()
    qtbot.waitUntil(lambda: asked == [True], timeout=SIGNAL_TIMEOUT_MS)
    assert desk.service(DRAFTER).drafts() == []
    assert window.current_draft is None


def test_typing_shows_findings_and_autosave_stores_the_text(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, title="お知らせ")
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    assert window.autosave_timer.isSingleShot()
    assert window.autosave_timer.interval() == AUTOSAVE_DELAY_MS == 2000

    saves: list[Draft] = []
    window.saved.connect(saves.append)
    window.editor.setPlainText(CREDENTIAL_POST[:10])
    assert window.is_dirty and window.autosave_timer.isActive()
    window.editor.setPlainText(CREDENTIAL_POST)  # restarts the timer: one save for both changes
    assert window.autosave_timer.remainingTime() > AUTOSAVE_DELAY_MS - 500
    qtbot.waitUntil(lambda: "security.credential" in finding_rules(window), timeout=SIGNAL_TIMEOUT_MS)
    assert window.counts_label.text().startswith("エラー 1件")
    assert saves == []  # findings come after 150 ms, the save only 2 s after the last change

    with qtbot.waitSignal(window.saved, timeout=SAVE_TIMEOUT_MS):
        pass
    assert len(saves) == 1
    assert not window.is_dirty
    assert re.fullmatch(r"自動保存しました \d\d:\d\d:\d\d", window.autosave_label.text())
    stored = desk.fresh_service(DRAFTER).draft(draft.id)
    assert (stored.text, stored.revision, stored.title) == (CREDENTIAL_POST, 1, "お知らせ")
    qtbot.waitUntil(
        lambda: window.drafts_model.summary(0).excerpt == " ".join(CREDENTIAL_POST.split()),
        timeout=SIGNAL_TIMEOUT_MS,
    )


def test_ctrl_s_saves_the_title_at_once(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    window.title_edit.setText("件名を付けた")
    window.title_edit.textEdited.emit("件名を付けた")
    assert window.is_dirty
    with qtbot.waitSignal(window.saved, timeout=SAVE_TIMEOUT_MS):
        window.save_action.trigger()
    assert desk.fresh_service(DRAFTER).draft(draft.id).title == "件名を付けた"
    assert re.fullmatch(r"保存しました \d\d:\d\d:\d\d", window.autosave_label.text())


def test_submit_is_refused_while_the_text_has_an_error(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, messages: Messages
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    window.editor.setPlainText(CREDENTIAL_POST)
    with qtbot.waitSignal(window.actionFailed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        window.submit_action.trigger()  # saves first, then the core refuses
    assert "エラーが 1 件あるため承認申請できません" in failed.args[0]
    assert messages.texts() == [failed.args[0]]
    stored = desk.fresh_service(DRAFTER).draft(draft.id)
    assert (stored.state, stored.text) == (DraftState.DRAFT, CREDENTIAL_POST)
    assert window.editor.toPlainText() == CREDENTIAL_POST
    assert not window.editor.isReadOnly()


def test_acknowledging_a_warning_with_a_reason_then_submitting(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    window.editor.setPlainText(CREDENTIAL_POST + "\n" + WARNING_POST)
    qtbot.waitUntil(lambda: len(finding_rules(window)) == 2, timeout=SIGNAL_TIMEOUT_MS)
    severities = [f.severity for f in window.findings_model.findings()]
    error_row, warning_row = severities.index(Severity.ERROR), severities.index(Severity.WARNING)

    window.findings_view.setCurrentIndex(window.findings_model.index(error_row, 0))
    assert not window.acknowledge_action.isEnabled()  # errors cannot be acknowledged
    window.findings_view.setCurrentIndex(window.findings_model.index(warning_row, 0))
    assert window.acknowledge_action.isEnabled()

    asked: list[str] = []

    def ask(_cls: object, _parent: object, finding: object, quoted: str) -> str:
        asked.append(quoted)
        return "議会で公表済みの内容のため"

    monkeypatch.setattr(AcknowledgeDialog, "ask", classmethod(ask))
    acknowledged = wait_changed(qtbot, window, window.acknowledge_action.trigger)
    (ack,) = acknowledged.acknowledgements
    assert (ack.reason, ack.by) == ("議会で公表済みの内容のため", DRAFTER)
    assert asked and asked[0] in WARNING_POST
    qtbot.waitUntil(window.panel.result_is_current, timeout=SIGNAL_TIMEOUT_MS)
    labels = [window.findings_model.data(window.findings_model.index(r, 0)) for r in range(2)]
    assert "警告(確認済み)" in labels
    assert "未確認の警告 0件" in window.counts_label.text()

    # Fix the error, then submit: the acknowledged warning no longer blocks.
    window.editor.setPlainText(WARNING_POST)
    submitted = wait_changed(qtbot, window, window.submit_action.trigger)
    assert submitted.state is DraftState.PENDING
    assert messages.shown == []
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.PENDING
    assert window.editor.isReadOnly()
    assert not window.submit_action.isEnabled()
    assert not window.approve_action.isEnabled()  # the author never approves


def test_account_manager_approves_and_the_author_cannot(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    draft = pending_draft(desk)
    author = open_desk(DRAFTER)
    open_and_wait(qtbot, author, draft.id)
    assert not author.approve_action.isEnabled()
    assert not author.reject_action.isEnabled()
    assert author.editor.isReadOnly()

    manager = open_desk(ACCOUNT_MANAGER)
    assert manager.user_label.text() == "利用者: kacho(アカウント管理者)"
    open_and_wait(qtbot, manager, draft.id)
    assert manager.approve_action.isEnabled() and manager.reject_action.isEnabled()
    approved = wait_changed(qtbot, manager, manager.approve_action.trigger)
    assert (approved.state, approved.reviewed_by) == (DraftState.APPROVED, ACCOUNT_MANAGER)
    assert not manager.approve_action.isEnabled()
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.APPROVED


def test_the_operations_manager_cannot_approve_their_own_draft(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    draft = pending_draft(desk, author=OPS_MANAGER)
    window = open_desk(OPS_MANAGER)
    open_and_wait(qtbot, window, draft.id)
    assert not window.approve_action.isEnabled()
    other = pending_draft(desk)
    open_and_wait(qtbot, window, other.id)
    assert window.approve_action.isEnabled()


def test_reject_needs_a_comment_and_the_drafter_sees_it(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = pending_draft(desk)
    manager = open_desk(ACCOUNT_MANAGER)
    open_and_wait(qtbot, manager, draft.id)

    answers: list[str | None] = [None, "日付と場所を入れてください"]
    subjects: list[str] = []

    def ask(_cls: object, _parent: object, subject: str) -> str | None:
        subjects.append(subject)
        return answers.pop(0)

    monkeypatch.setattr(RejectDialog, "ask", classmethod(ask))
    manager.reject_action.trigger()  # cancelled: nothing happens
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.PENDING
    returned = wait_changed(qtbot, manager, manager.reject_action.trigger)
    assert subjects == [" ".join(CLEAN_POST.split())[:30]] * 2
    assert (returned.state, returned.review_comment) == (DraftState.RETURNED, "日付と場所を入れてください")

    drafter = open_desk(DRAFTER)
    assert drafter.review_banner.isHidden()
    open_and_wait(qtbot, drafter, draft.id)
    assert not drafter.review_banner.isHidden()
    assert drafter.review_banner.label.text() == "差戻しコメント(kacho): 日付と場所を入れてください"
    assert not drafter.editor.isReadOnly()  # back with the drafter
    assert drafter.submit_action.isEnabled()


def test_copy_for_posting_puts_the_approved_text_on_the_clipboard(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk
) -> None:
    pending = pending_draft(desk, "承認前の本文です。")
    approved = approved_draft(desk)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, pending.id)
    assert not window.copy_for_posting_action.isEnabled()
    open_and_wait(qtbot, window, approved.id)
    assert window.copy_for_posting_action.isEnabled()
    QGuiApplication.clipboard().clear()
    window.copy_for_posting_action.trigger()
    assert QGuiApplication.clipboard().text() == CLEAN_POST


def test_mark_posted_records_the_url_and_time(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = approved_draft(desk)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    assert window.mark_posted_action.isEnabled()
    when = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    url = "https://x.com/hh_koho/status/123"
    monkeypatch.setattr(MarkPostedDialog, "ask", classmethod(lambda _cls, _parent, now=None: PostedAnswer(url, when)))
    posted = wait_changed(qtbot, window, window.mark_posted_action.trigger)
    assert (posted.state, posted.posted_url, posted.posted_at) == (DraftState.POSTED, url, when)
    stored = desk.fresh_service(DRAFTER).draft(draft.id)
    assert (stored.posted_url, stored.posted_at) == (url, when)
    assert not window.mark_posted_action.isEnabled()
    assert url in window.info_label.text()


def test_history_shows_every_step(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = approved_draft(desk)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    shown: list[list[tuple[str, str]]] = []
    monkeypatch.setattr(
        HistoryDialog,
        "ask",
        classmethod(lambda _cls, _p, _s, entries: shown.append([(e.actor, e.label) for e in entries])),
    )
    window.history_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=SIGNAL_TIMEOUT_MS)
    assert shown == [[(DRAFTER, "投稿案を作成"), (DRAFTER, "承認申請"), (ACCOUNT_MANAGER, "承認")]]


def test_drafts_list_filters_by_state_and_account(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    suzuki = desk.service(DRAFTER)
    suzuki.create_draft(desk.koho.id, text="広報の下書き")
    suzuki.create_draft(desk.kanko.id, text="観光の下書き")
    pending_draft(desk, "広報の承認待ち")
    window = open_desk(DRAFTER)
    model = window.drafts_model
    assert model.rowCount() == 3
    assert [model.data(model.index(r, COLUMN_STATE)) for r in range(3)].count("下書き") == 2

    with qtbot.waitSignal(window.listed, timeout=SIGNAL_TIMEOUT_MS):
        window.state_filter.setCurrentIndex(window.state_filter.findText("承認待ち"))
    assert [model.data(model.index(r, COLUMN_SUBJECT)) for r in range(model.rowCount())] == ["広報の承認待ち"]

    with qtbot.waitSignal(window.listed, timeout=SIGNAL_TIMEOUT_MS):
        window.state_filter.setCurrentIndex(window.state_filter.findText("下書き"))
    assert sorted(s.excerpt for s in model.summaries()) == ["広報の下書き", "観光の下書き"]

    with qtbot.waitSignal(window.listed, timeout=SIGNAL_TIMEOUT_MS):
        window.account_filter.setCurrentIndex(window.account_filter.findData(desk.kanko.id))
    assert [s.excerpt for s in model.summaries()] == ["観光の下書き"]

    with qtbot.waitSignal(window.listed, timeout=SIGNAL_TIMEOUT_MS):
        window.state_filter.setCurrentIndex(0)  # すべての状態
    assert [s.account_name for s in model.summaries()] == ["東広島市観光"]
    with qtbot.waitSignal(window.listed, timeout=SIGNAL_TIMEOUT_MS):
        window.account_filter.setCurrentIndex(0)
    assert model.rowCount() == 3


def test_selecting_a_row_opens_the_draft(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, text=CLEAN_POST)
    window = open_desk(DRAFTER)
    row = window.drafts_model.row_of(draft.id)
    assert row is not None
    with qtbot.waitSignal(window.draftLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.drafts_view.selectRow(row)
    assert window.editor.toPlainText() == CLEAN_POST


def test_switching_drafts_saves_the_one_left(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    suzuki = desk.service(DRAFTER)
    first = suzuki.create_draft(desk.koho.id, text="一つ目")
    second = suzuki.create_draft(desk.koho.id, text="二つ目")
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, first.id)
    window.editor.setPlainText("一つ目を書き直しました")
    with qtbot.waitSignal(window.draftLoaded, timeout=SAVE_TIMEOUT_MS):
        window.open_draft(second.id)
        assert window.editor.isReadOnly()  # locked from the save until the next draft is shown
    assert window.editor.toPlainText() == "二つ目"
    assert not window.editor.isReadOnly()
    assert desk.fresh_service(DRAFTER).draft(first.id).text == "一つ目を書き直しました"


def test_closing_the_window_saves_unsaved_text(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    window.editor.setPlainText("閉じる直前に書いた本文")
    assert window.autosave_timer.isActive()
    window.close()
    qtbot.waitUntil(window.isHidden, timeout=SAVE_TIMEOUT_MS)
    assert desk.fresh_service(DRAFTER).draft(draft.id).text == "閉じる直前に書いた本文"
    assert window.ops.is_closed and window.live.is_closed


def test_a_revision_conflict_keeps_the_users_text(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, messages: Messages
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, text="元の本文")
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    # Meanwhile the same draft is saved from another screen.
    desk.fresh_service(DRAFTER).save(draft.id, draft.revision, "別の画面で書いた本文")

    window.editor.setPlainText("この画面で書いた本文")
    with qtbot.waitSignal(window.saveFailed, timeout=SAVE_TIMEOUT_MS) as failed:
        window.save_action.trigger()
    assert "別の画面で更新されています" in failed.args[0]
    assert len(messages.shown) == 1 and "別の画面で更新されています" in messages.shown[0][1]
    assert window.editor.toPlainText() == "この画面で書いた本文"
    assert window.has_conflict and window.is_dirty
    assert not window.conflict_banner.isHidden()
    assert desk.fresh_service(DRAFTER).draft(draft.id).text == "別の画面で書いた本文"  # not overwritten

    with qtbot.waitSignal(window.draftLoaded, timeout=SIGNAL_TIMEOUT_MS) as kept:
        window.keep_copy_button.click()
    copy = kept.args[0]
    assert copy.id != draft.id and copy.text == "この画面で書いた本文"
    assert copy.title.endswith("(控え)")
    assert not window.has_conflict and not window.is_dirty
    assert window.conflict_banner.isHidden()


def test_a_conflicted_text_is_kept_as_a_new_draft_on_close(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, messages: Messages
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, text="元の本文")
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    desk.fresh_service(DRAFTER).save(draft.id, draft.revision, "別の画面で書いた本文")
    window.editor.setPlainText("閉じる前に書いた本文")
    window.close()
    qtbot.waitUntil(window.isHidden, timeout=SAVE_TIMEOUT_MS)
    texts = sorted(d.excerpt for d in desk.fresh_service(DRAFTER).drafts())
    assert texts == ["別の画面で書いた本文", "閉じる前に書いた本文"]
    assert len(messages.shown) == 1


def test_refresh_shows_changes_made_elsewhere(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    window = open_desk(DRAFTER)
    assert window.drafts_model.rowCount() == 0
    desk.service(DRAFTER).create_draft(desk.koho.id, text="別の画面で作った投稿案")
    with qtbot.waitSignal(window.refreshed, timeout=SIGNAL_TIMEOUT_MS):
        window.refresh_action.trigger()
    assert [s.excerpt for s in window.drafts_model.summaries()] == ["別の画面で作った投稿案"]


def test_database_work_never_runs_on_the_ui_thread(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QThread

    main = QThread.currentThread()
    calls: list[tuple[str, bool]] = []
    for name in ("me", "accounts", "drafts", "draft", "save"):
        original = getattr(DeskService, name)

        def spy(
            self: DeskService, *args: object, _name: str = name, _original: object = original, **kw: object
        ) -> object:
            calls.append((_name, QThread.currentThread() is main))
            assert callable(_original)
            return _original(self, *args, **kw)

        monkeypatch.setattr(DeskService, name, spy)
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    calls.clear()
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    window.editor.setPlainText(CLEAN_POST)
    with qtbot.waitSignal(window.saved, timeout=SAVE_TIMEOUT_MS):
        window.save_action.trigger()
    assert {name for name, _ in calls} >= {"me", "accounts", "drafts", "draft", "save"}
    assert not any(on_main for _, on_main in calls)


def test_errors_are_shown_not_raised(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_desk(DRAFTER)

    def broken(*_args: object, **_kw: object) -> object:
        raise RuntimeError("壊れました")

    monkeypatch.setattr(window.service, "drafts", broken)
    with qtbot.waitSignal(window.actionFailed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        window.refresh_list()
    assert "予期しないエラー" in failed.args[0] and "壊れました" in failed.args[0]
    assert messages.shown[0][2] == "critical"
    assert error_text(RuntimeError("x"))[0] == "予期しないエラー"


def test_window_layout_is_remembered(qtbot: QtBot, open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER)
    window.close()
    qtbot.waitUntil(window.isHidden, timeout=SAVE_TIMEOUT_MS)
    assert not window.settings.value("desk/geometry").isEmpty()
    assert not window.settings.value("desk/splitter").isEmpty()


def test_an_autosave_the_database_refuses_keeps_the_text_and_retries(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    real_save = window.service.save

    def locked(*_args: object, **_kw: object) -> Draft:
        raise StorageError("データベース「desk.db」は別のプログラムが使用中です。")

    monkeypatch.setattr(window.service, "save", locked)
    window.editor.setPlainText("ロック中に書いた本文")
    with qtbot.waitSignal(window.saveFailed, timeout=SAVE_TIMEOUT_MS):
        window.autosave_timer.timeout.emit()  # the 2 s are up
    assert messages.shown == []  # an autosave fails quietly ...
    assert "自動保存できませんでした" in window.statusBar().currentMessage()
    assert window.autosave_timer.isActive() and window.autosave_timer.interval() == desk_module.SAVE_RETRY_MS
    assert window.is_dirty and not window.has_conflict
    assert window.editor.toPlainText() == "ロック中に書いた本文"

    monkeypatch.setattr(window.service, "save", real_save)
    with qtbot.waitSignal(window.saved, timeout=SAVE_TIMEOUT_MS):
        window.autosave_timer.timeout.emit()  # ... and is tried again
    assert desk.fresh_service(DRAFTER).draft(draft.id).text == "ロック中に書いた本文"


def test_closing_when_the_text_cannot_be_saved_asks_and_copies_it(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)

    def unreachable(*_args: object, **_kw: object) -> Draft:
        raise StorageError("データベースサーバーに接続できません。")

    monkeypatch.setattr(window.service, "save", unreachable)
    answers: list[bool | None] = [None, True]
    questions: list[str] = []

    def ask(_cls: object, _parent: object, _title: str, text: str, yes: str, no: str = "") -> bool | None:
        questions.append(text)
        return answers.pop(0)

    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(ask))
    window.editor.setPlainText("保存できない本文")
    window.close()
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=SAVE_TIMEOUT_MS)
    assert window.isVisible()  # "閉じない": the window and its text stay
    assert "接続できません" in messages.texts()[0]
    QGuiApplication.clipboard().clear()
    window.close()
    qtbot.waitUntil(window.isHidden, timeout=SAVE_TIMEOUT_MS)
    assert QGuiApplication.clipboard().text() == "保存できない本文"
