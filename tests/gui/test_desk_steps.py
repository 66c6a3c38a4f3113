"""The desk's 取り下げ and 破棄, why a greyed-out step is greyed out, the audit 履歴, and the 管理 menu."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from sns_desk.core.workflow import DraftState
from sns_desk.gui.desk_window import BUSY_REASON, NO_DRAFT_REASON, DeskWindow
from sns_desk.gui.dialogs import ConfirmDialog, DiscardDialog, HistoryDialog
from sns_desk.gui.drafts_model import COLUMN_STATE, COLUMN_SUBJECT
from sns_desk.gui.people_window import PeopleWindow
from sns_desk.services.audit import HistoryEntry

from .conftest import ACCOUNT_MANAGER, DRAFTER, OPS_MANAGER, SIGNAL_TIMEOUT_MS, Desk, OpenDesk, open_and_wait
from .test_desk_window import CLEAN_POST, approved_draft, pending_draft, wait_changed

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen notes

OWN_APPROVAL = "自分が書いた投稿案は承認できません"
OWN_RETURN = "自分が書いた投稿案は差し戻せません"
NOT_SUBMITTABLE = "承認申請できるのは下書きか差戻しの投稿案だけです"
NOT_DISCARDABLE = "破棄できるのは下書きと差戻しの投稿案だけです(承認待ち・承認済みは先に取り下げてください)"
NOT_WITHDRAWABLE = "取り下げられるのは承認待ちか承認済み(まだ投稿していない)の投稿案だけです"
AUTHOR_ONLY = "承認申請を取り下げられるのは作成者だけです"


def record_ask(monkeypatch: pytest.MonkeyPatch, dialog: type, value: object) -> list[tuple[Any, ...]]:
    """Make ``dialog.ask`` return ``value``; returns the arguments of each call (after the parent)."""
    calls: list[tuple[Any, ...]] = []

    def ask(_cls: object, _parent: object, *args: Any) -> object:
        calls.append(args)
        return value

    monkeypatch.setattr(dialog, "ask", classmethod(ask))
    return calls


def tips(window: DeskWindow, name: str) -> tuple[bool, str, str]:
    action = getattr(window, f"{name}_action")
    return action.isEnabled(), action.toolTip(), action.statusTip()


def list_states(window: DeskWindow) -> list[str]:
    model = window.drafts_model
    return [model.data(model.index(r, COLUMN_STATE)) for r in range(model.rowCount())]


# -- 取り下げ --------------------------------------------------------------------------------------


def test_the_author_withdraws_a_pending_draft_and_can_edit_it_again(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = pending_draft(desk)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    assert window.editor.isReadOnly()
    assert tips(window, "withdraw")[0]
    questions = record_ask(monkeypatch, ConfirmDialog, True)

    after = wait_changed(qtbot, window, window.withdraw_action.trigger)

    assert after.state is DraftState.DRAFT
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.DRAFT
    (title, text, yes), *_ = questions
    assert (title, yes) == ("取り下げ", "取り下げる") and "下書きに戻します" in text
    assert "承認は取り消され" not in text  # nothing was approved yet
    assert not window.editor.isReadOnly()
    assert tips(window, "submit")[0]
    assert tips(window, "withdraw") == (False, NOT_WITHDRAWABLE, NOT_WITHDRAWABLE)
    qtbot.waitUntil(lambda: list_states(window) == ["下書き"], timeout=SIGNAL_TIMEOUT_MS)
    assert window.statusBar().currentMessage() == "承認申請を取り下げました。下書きに戻っています"


def test_withdrawing_an_approved_draft_warns_that_the_approval_goes_and_can_be_cancelled(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = approved_draft(desk)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    questions = record_ask(monkeypatch, ConfirmDialog, None)  # the user says キャンセル

    window.withdraw_action.trigger()

    assert "承認は取り消され" in questions[0][1]
    assert not window.ops.is_busy  # nothing was started
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.APPROVED
    assert window.current_draft is not None and window.current_draft.state is DraftState.APPROVED

    record_ask(monkeypatch, ConfirmDialog, True)
    after = wait_changed(qtbot, window, window.withdraw_action.trigger)
    assert (after.state, after.reviewed_by) == (DraftState.DRAFT, "")


def test_only_the_author_may_withdraw_and_the_greyed_out_action_says_so(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = pending_draft(desk)
    window = open_desk(ACCOUNT_MANAGER)
    open_and_wait(qtbot, window, draft.id)
    assert tips(window, "withdraw") == (False, AUTHOR_ONLY, AUTHOR_ONLY)
    questions = record_ask(monkeypatch, ConfirmDialog, True)
    window.withdraw_action.trigger()  # a disabled action does nothing, whatever triggers it
    window.withdraw()  # nor does the slot called directly
    assert questions == []
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.PENDING
    # The manager may approve: the action is enabled with its own tooltip and shortcut again.
    assert tips(window, "approve") == (True, "この投稿案を承認します(Ctrl+Shift+A)", "この投稿案を承認します")


# -- 破棄 ------------------------------------------------------------------------------------------


def test_discard_asks_a_reason_and_keeps_the_draft_with_its_history(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, title="雪まつり", text=CLEAN_POST)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    window.editor.setPlainText(CLEAN_POST + "会場は中央公園です。")  # typed, not yet saved
    asked = record_ask(monkeypatch, DiscardDialog, "行事が中止になったため")

    after = wait_changed(qtbot, window, window.discard_action.trigger)

    assert asked == [("雪まつり",)]
    assert after.state is DraftState.DISCARDED
    stored = desk.fresh_service(DRAFTER)
    assert stored.draft(draft.id).text == CLEAN_POST + "会場は中央公園です。"  # saved before the step
    assert stored.history(draft.id)[-1].comment == "行事が中止になったため"
    assert window.editor.isReadOnly()
    for name in ("submit", "withdraw", "discard"):
        assert not tips(window, name)[0], name
    assert tips(window, "discard")[1] == NOT_DISCARDABLE
    qtbot.waitUntil(lambda: list_states(window) == ["破棄"], timeout=SIGNAL_TIMEOUT_MS)

    # 破棄 is one of the list's filters; the draft is found there.
    index = window.state_filter.findText("破棄")
    assert index > 0
    with qtbot.waitSignal(window.listed, timeout=SIGNAL_TIMEOUT_MS):
        window.state_filter.setCurrentIndex(index)
    model = window.drafts_model
    assert [model.data(model.index(r, COLUMN_SUBJECT)) for r in range(model.rowCount())] == ["雪まつり"]


def test_discard_cancelled_changes_nothing(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, text=CLEAN_POST)
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    asked = record_ask(monkeypatch, DiscardDialog, None)
    window.discard_action.trigger()
    assert len(asked) == 1
    assert not window.ops.is_busy
    assert desk.fresh_service(DRAFTER).draft(draft.id).state is DraftState.DRAFT
    assert tips(window, "discard")[0]


def test_an_account_manager_may_discard_someone_elses_draft_but_a_drafter_may_not(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = desk.service(ACCOUNT_MANAGER).create_draft(desk.koho.id, text=CLEAN_POST)
    drafter = open_desk(DRAFTER)
    open_and_wait(qtbot, drafter, draft.id)
    assert tips(drafter, "discard") == (False, "破棄できるのは作成者か管理者です", "破棄できるのは作成者か管理者です")
    ops = open_desk(OPS_MANAGER)
    open_and_wait(qtbot, ops, draft.id)
    record_ask(monkeypatch, DiscardDialog, "重複して作成したため")
    assert wait_changed(qtbot, ops, ops.discard_action.trigger).state is DraftState.DISCARDED


# -- why a step is greyed out -------------------------------------------------------------------------


def test_every_greyed_out_step_says_why(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    window = open_desk(DRAFTER)
    for name in ("submit", "approve", "reject", "withdraw", "discard"):
        assert tips(window, name) == (False, NO_DRAFT_REASON, NO_DRAFT_REASON), name

    open_and_wait(qtbot, window, pending_draft(desk).id)  # the author's own, waiting for approval
    assert tips(window, "approve") == (False, OWN_APPROVAL, OWN_APPROVAL)
    assert tips(window, "reject") == (False, OWN_RETURN, OWN_RETURN)
    assert tips(window, "submit") == (False, NOT_SUBMITTABLE, NOT_SUBMITTABLE)
    assert tips(window, "discard") == (False, NOT_DISCARDABLE, NOT_DISCARDABLE)
    assert tips(window, "withdraw") == (
        True,
        "承認申請を取り下げて下書きに戻します(承認済みなら承認も取り消されます)(Ctrl+Shift+W)",
        "承認申請を取り下げて下書きに戻します(承認済みなら承認も取り消されます)",
    )
    # A toolbar button shows the action's tooltip.
    button = window.toolbar.widgetForAction(window.approve_action)
    assert button is not None and not button.isEnabled() and button.toolTip() == OWN_APPROVAL


def test_an_approver_who_edited_the_text_is_told_so(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    suzuki, kacho = desk.service(DRAFTER), desk.service(ACCOUNT_MANAGER)
    draft = suzuki.create_draft(desk.koho.id, text=CLEAN_POST)
    edited = kacho.save(draft.id, draft.revision, CLEAN_POST + "入場無料です。")
    suzuki.submit(edited.id)
    window = open_desk(ACCOUNT_MANAGER)
    open_and_wait(qtbot, window, draft.id)
    edited_reason = "自分が本文を編集した投稿案は承認できません"
    assert tips(window, "approve") == (False, edited_reason, edited_reason)
    assert tips(window, "reject")[1] == "自分が本文を編集した投稿案は差し戻せません"


def test_while_a_step_runs_the_steps_say_to_wait(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = pending_draft(desk)
    window = open_desk(ACCOUNT_MANAGER)
    open_and_wait(qtbot, window, draft.id)
    seen: list[tuple[bool, str, str]] = []
    window.ops.started.connect(lambda _id, label: seen.append(tips(window, "approve")) if label == "approve" else None)
    wait_changed(qtbot, window, window.approve_action.trigger)
    assert seen == [(False, BUSY_REASON, BUSY_REASON)]
    assert tips(window, "approve")[1] == "承認できるのは承認待ちの投稿案だけです"


# -- 履歴 (the audit trail) -----------------------------------------------------------------------------


def test_history_lists_the_audit_trail_with_the_discard_reason(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = desk.service(DRAFTER).create_draft(desk.koho.id, title="雪まつり", text=CLEAN_POST)
    desk.service(DRAFTER).discard(draft.id, "行事が中止になったため")
    window = open_desk(DRAFTER)
    open_and_wait(qtbot, window, draft.id)
    shown: list[tuple[str, list[HistoryEntry]]] = []
    monkeypatch.setattr(
        HistoryDialog, "ask", classmethod(lambda _cls, _parent, subject, entries: shown.append((subject, entries)))
    )
    with qtbot.waitSignal(window.ops.finished, timeout=SIGNAL_TIMEOUT_MS):
        window.history_action.trigger()
    ((subject, entries),) = shown
    assert subject == "雪まつり"
    assert [(e.actor, e.label) for e in entries] == [(DRAFTER, "投稿案を作成"), (DRAFTER, "破棄")]
    assert "行事が中止になったため" in entries[-1].details


def test_without_an_audit_trail_there_is_no_history_action(open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER, audit=None)
    assert not window.history_action.isVisible()


# -- 管理 → 職員と役割 -----------------------------------------------------------------------------------


def test_the_admin_menu_opens_the_people_window(qtbot: QtBot, open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER)
    menu = window.admin_menu
    assert isinstance(menu, QMenu) and menu.title() == "管理(&M)"
    assert [a.text() for a in menu.actions()] == ["職員と役割(&P)…"]
    window.people_action.trigger()
    people = window.open_people()
    assert isinstance(people, PeopleWindow) and people.isVisible()
    qtbot.waitUntil(lambda: people.snapshot is not None, timeout=SIGNAL_TIMEOUT_MS)
    assert window.findChildren(PeopleWindow) == [people]  # made once


def test_without_a_people_service_the_admin_menu_is_hidden(open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER, people=None)
    assert not window.admin_menu.menuAction().isVisible()
    assert window.open_people() is None
