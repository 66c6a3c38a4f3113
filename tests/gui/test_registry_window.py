"""The アカウントと利用方針(第4条) window over a real SQLite database: the registry and the policy editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from pytestqt.qtbot import QtBot

from sns_desk.core.accounts import AccountStatus
from sns_desk.core.checker import Checker
from sns_desk.core.people import Role
from sns_desk.core.policy import ItemDiff
from sns_desk.gui.dialogs import ConfirmDialog, HistoryDialog
from sns_desk.gui.registry_dialogs import (
    AccountFormDialog,
    AccountReasonDialog,
    ApprovalAnswer,
    ApproveAccountDialog,
    HtmlDocumentDialog,
    PolicyDiffDialog,
    PublishDialog,
    SaveHtmlDialog,
)
from sns_desk.gui.registry_model import COLUMN_STATUS, allowed
from sns_desk.gui.registry_window import (
    CURRENT_TEXT_LABEL,
    TEMPLATE_TEXT,
    WINDOW_TITLE,
    RegistryWindow,
)
from sns_desk.services.audit import HistoryEntry
from sns_desk.services.desk import DeskService
from sns_desk.services.registry import AccountFactsInput, PolicyStatus, RegistryService
from sns_desk.storage.database import Database, open_database

from .conftest import ACCOUNT_MANAGER, DRAFTER, OPS_MANAGER, SIGNAL_TIMEOUT_MS, Desk, Messages, OpenDesk, set_os_user

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen platform notes

TODAY = dt.date(2026, 4, 10)
FACTS = AccountFactsInput(
    platform="x",
    name="@hh_kosodate",
    url="https://x.com/hh_kosodate",
    department="こども家庭課",
    manager=ACCOUNT_MANAGER,
    display_name="東広島市 子育て応援",
    manager_title="こども家庭課長",
    operating_hours="平日 8時30分〜17時15分",
    contact="082-420-0000 kosodate@city.example.lg.jp",
    purpose="子育て世帯に向けた制度や催しの案内",
)
PURPOSE_HEADING = "情報発信を行う目的"


@dataclass
class Registry:
    database: Database
    checker: Checker

    def service(self, login: str) -> RegistryService:
        return RegistryService(self.database, login, checker=lambda: self.checker)


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checker: Checker) -> Iterator[Registry]:
    """An empty registry; tanaka created the database (operations manager), kacho heads a department."""
    set_os_user(monkeypatch, OPS_MANAGER)
    database = open_database(f"sqlite:///{(tmp_path / 'registry.db').as_posix()}")
    desk = DeskService(database, lambda: checker, OPS_MANAGER)
    desk.set_role(ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER)
    desk.set_role(DRAFTER, Role.DRAFTER)
    yield Registry(database, checker)
    database.close()


OpenRegistry = Callable[[str], RegistryWindow]


def wait_idle(qtbot: QtBot, window: RegistryWindow) -> None:
    """Until every call has run, the preview is drawn and the problems of the text on screen are listed."""

    def idle() -> bool:
        editor = window.editor
        settled = (
            not window.ops.is_busy and not editor.preview_timer.isActive() and not editor.validate_timer.isActive()
        )
        checked = window.snapshot is None or editor.checked_policy == editor.policy()
        return settled and checked

    qtbot.waitUntil(idle, timeout=SIGNAL_TIMEOUT_MS)


@pytest.fixture
def open_registry(qtbot: QtBot, registry: Registry, tmp_path: Path) -> Iterator[OpenRegistry]:
    """``open_registry(login)``: a shown registry window for that user, its first load done."""
    windows: list[RegistryWindow] = []

    def make(login: str) -> RegistryWindow:
        settings = QSettings(str(tmp_path / f"registry-{login}.ini"), QSettings.Format.IniFormat)
        window = RegistryWindow(registry.service(login), settings=settings, today=lambda: TODAY)
        windows.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.overview is not None, timeout=SIGNAL_TIMEOUT_MS)
        wait_idle(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def answer(monkeypatch: pytest.MonkeyPatch, dialog: type, value: object) -> list[tuple[Any, ...]]:
    """Make ``dialog.ask`` return ``value``; returns the arguments of each call."""
    calls: list[tuple[Any, ...]] = []

    def ask(_cls: object, _parent: object, *args: Any, **kwargs: Any) -> object:
        calls.append((*args, *kwargs.values()))
        return value

    monkeypatch.setattr(dialog, "ask", classmethod(ask))
    return calls


def step(qtbot: QtBot, window: RegistryWindow, trigger: Callable[[], object]) -> None:
    """Press a button whose call ends in a reload, and wait until everything is shown again."""
    assert not window.ops.is_busy
    with qtbot.waitSignal(window.overviewLoaded, timeout=SIGNAL_TIMEOUT_MS):
        trigger()
    wait_idle(qtbot, window)


def statuses(window: RegistryWindow) -> dict[str, str]:
    model = window.accounts_model
    return {
        account.name: str(model.data(model.index(row, COLUMN_STATUS))) for row, account in enumerate(model.accounts())
    }


def version_rows(window: RegistryWindow) -> list[str]:
    return [window.versions_list.item(i).text() for i in range(window.versions_list.count())]


def detail(window: RegistryWindow, label: str) -> str:
    return window.detail_labels[label].text()


# -- the lifecycle, end to end ------------------------------------------------------------------------------------


def test_request_approve_write_save_approve_publish_then_operate(
    qtbot: QtBot, open_registry: OpenRegistry, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    kacho = open_registry(ACCOUNT_MANAGER)
    assert kacho.windowTitle() == WINDOW_TITLE
    assert kacho.accounts_model.rowCount() == 0
    assert kacho.placeholder.isVisibleTo(kacho) and not kacho.editor.isVisibleTo(kacho)
    assert kacho.request_action.isEnabled()

    # 開設を申請… (第4条第2項)
    form = answer(monkeypatch, AccountFormDialog, FACTS)
    with qtbot.waitSignal(kacho.accountChanged, timeout=SIGNAL_TIMEOUT_MS) as changed:
        step(qtbot, kacho, kacho.request_action.trigger)
    assert form and form[0][:2] == ("アカウント開設の申請", "申請する")
    assert changed.args[0].status is AccountStatus.REQUESTED
    assert statuses(kacho) == {"@hh_kosodate": "申請中"}
    assert kacho.statusBar().currentMessage().startswith("「@hh_kosodate」の開設を申請しました")
    assert detail(kacho, "状態") == "申請中"
    assert detail(kacho, "申請").startswith("kacho(")
    assert detail(kacho, "開設の目的") == FACTS.purpose
    assert not kacho.approve_action.isEnabled()  # only the operations manager approves

    # The editor shows the template, filled from the registry.
    assert kacho.shown_label.text() == TEMPLATE_TEXT
    editors = kacho.editor.editors
    assert "@hh_kosodate" in editors["account"].toPlainText()
    assert "https://x.com/hh_kosodate" in editors["account"].toPlainText()
    assert "平日 8時30分〜17時15分" in editors["operation"].toPlainText()
    assert "@hh_kosodate" in kacho.editor.preview_text()
    assert version_rows(kacho) == ["まだ保存された版はありません"]
    assert kacho.save_button.isEnabled()  # the template is not saved yet
    assert not kacho.approve_policy_button.isEnabled() and not kacho.publish_button.isEnabled()

    # 承認… as the operations manager.
    tanaka = open_registry(OPS_MANAGER)
    assert tanaka.selected_account() is not None and tanaka.approve_action.isEnabled()
    approval = answer(monkeypatch, ApproveAccountDialog, ApprovalAnswer("広戦第12号", dt.date(2026, 4, 1)))
    step(qtbot, tanaka, tanaka.approve_action.trigger)
    assert approval == [("@hh_kosodate", TODAY)]
    assert statuses(tanaka) == {"@hh_kosodate": "承認済み(運用前)"}
    assert detail(tanaka, "承認") == "広戦第12号・2026年4月1日・運用管理者 tanaka"
    assert not tanaka.approve_action.isEnabled() and tanaka.close_account_action.isEnabled()

    step(qtbot, kacho, kacho.refresh_action.trigger)
    assert statuses(kacho) == {"@hh_kosodate": "承認済み(運用前)"}

    # Typing updates the preview once typing pauses.
    purpose = editors["purpose"]
    with qtbot.waitSignal(kacho.editor.previewUpdated, timeout=SIGNAL_TIMEOUT_MS) as drawn:
        purpose.setPlainText("子育ての不安に寄り添う情報を届けます。")
        assert kacho.editor.preview_timer.isActive()  # debounced: not redrawn while typing
        assert "子育ての不安に寄り添う" not in kacho.editor.preview_text()
    assert "子育ての不安に寄り添う情報を届けます。" in drawn.args[0]
    assert "子育ての不安に寄り添う情報を届けます。" in kacho.editor.preview_text()
    wait_idle(qtbot, kacho)
    assert kacho.shown_label.text() == f"{TEMPLATE_TEXT} — 変更あり(未保存)"

    # Clearing the purpose: a problem that names the item; activating it moves to the item.
    purpose.setPlainText("")
    wait_idle(qtbot, kacho)
    named = [p for p in kacho.editor.problems() if PURPOSE_HEADING in p.message]
    assert named and named[0].is_error and named[0].item_id == "purpose"
    assert kacho.editor.problems_label.text().startswith("エラー")
    row = kacho.editor.problems().index(named[0])
    focused = kacho.editor.focus_problem(kacho.editor.problems_model.problem(row) or named[0])
    assert focused is purpose

    # 保存(新しい版) → 第1版.
    purpose.setPlainText("子育て世帯に、制度や催しの情報を分かりやすく届けるため、情報を発信します。")
    wait_idle(qtbot, kacho)
    assert not [p for p in kacho.editor.problems() if p.is_error]
    with qtbot.waitSignal(kacho.policySaved, timeout=SIGNAL_TIMEOUT_MS) as saved:
        step(qtbot, kacho, kacho.save_button.click)
    assert (saved.args[0].version, saved.args[0].status) == (1, PolicyStatus.DRAFT)
    assert kacho.shown_label.text() == "第1版(下書き)を表示中"
    assert len(version_rows(kacho)) == 1 and version_rows(kacho)[0].startswith("第1版 下書き kacho ")
    assert not kacho.save_button.isEnabled()  # nothing new to save
    assert "分かりやすく届けるため" in purpose.toPlainText()  # the text stays as typed

    # 承認 → 公表を記録… → 運用開始.
    assert kacho.approve_policy_button.isEnabled()
    step(qtbot, kacho, kacho.approve_policy_button.click)
    assert kacho.shown_label.text() == "第1版(承認済み)を表示中"
    assert kacho.publish_button.isEnabled() and not kacho.approve_policy_button.isEnabled()
    published = answer(monkeypatch, PublishDialog, TODAY)
    step(qtbot, kacho, kacho.publish_button.click)
    assert published == [("利用方針の第1版", TODAY)]
    assert version_rows(kacho)[0].startswith("第1版 公表済み(2026年4月10日) kacho ")
    assert detail(kacho, "公表中の利用方針") == "第1版(2026年4月10日 公表)"
    assert "制定 2026年4月10日" in kacho.editor.preview_text()
    assert kacho.start_action.isEnabled()
    step(qtbot, kacho, kacho.start_action.trigger)
    assert statuses(kacho) == {"@hh_kosodate": "運用中"}
    assert kacho.statusBar().currentMessage() == "「@hh_kosodate」の運用を開始しました。投稿案の投稿先に選べます"
    assert kacho.suspend_action.isEnabled() and not kacho.start_action.isEnabled()
    assert messages.shown == []


def test_the_service_decides_and_its_refusal_is_shown(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry, messages: Messages
) -> None:
    ops = registry.service(OPS_MANAGER)
    ops.register(FACTS, "広戦第1号")
    account = registry.service(ACCOUNT_MANAGER).request(
        AccountFactsInput("instagram", "hh_kanko", "https://www.instagram.com/hh_kanko", "観光振興課", purpose="観光")
    )
    ops.approve(account.id, "広戦第2号")
    window = open_registry(ACCOUNT_MANAGER)
    window.select_account(account.id)
    wait_idle(qtbot, window)
    assert window.start_action.isEnabled()  # the status allows it; the policy is not published yet
    with qtbot.waitSignal(window.actionFailed, timeout=SIGNAL_TIMEOUT_MS):
        window.start_action.trigger()
    assert len(messages.shown) == 1
    title, text, _kind = messages.shown[0]
    assert title == "操作できません" and "利用方針が公表されていません" in text
    assert statuses(window)["hh_kanko"] == "承認済み(運用前)"


def test_a_problem_with_a_span_is_marked_and_selected(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry
) -> None:
    registry.service(OPS_MANAGER).register(FACTS, "広戦第1号")
    window = open_registry(OPS_MANAGER)
    content = window.editor.editors["content"]
    content.setPlainText("🎉 催しの案内(詳しくは https://bit.ly/abc をご覧ください)")
    wait_idle(qtbot, window)
    shortened = [p for p in window.editor.problems() if "https://bit.ly/abc" in p.message]
    assert shortened and shortened[0].is_error and shortened[0].item_id == "content"
    assert "情報発信を行う内容" in shortened[0].message
    assert "https://bit.ly/abc" in window.editor.marked_texts("content")  # emoji before it: UTF-16 offsets

    view = window.editor.problems_view
    row = window.editor.problems().index(shortened[0])
    view.doubleClicked.emit(window.editor.problems_model.index(row, 0))
    assert content.textCursor().selectedText() == "https://bit.ly/abc"

    content.setPlainText("催しの案内")  # the mark goes with the text it marked
    assert window.editor.marked_texts("content") == []
    wait_idle(qtbot, window)
    assert not [p for p in window.editor.problems() if "bit.ly" in p.message]


# -- versions and the diff ----------------------------------------------------------------------------------------


def test_the_diff_dialog_shows_the_changed_item(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = registry.service(OPS_MANAGER)
    account = ops.register(FACTS, "広戦第1号")
    policy, _ = ops.policy(account.id)
    ops.save_policy(account.id, policy)
    ops.save_policy(account.id, policy.replace_item("purpose", "子育て世帯に、催しの情報を届けます。"))
    window = open_registry(OPS_MANAGER)
    assert window.shown_label.text() == "第2版(下書き)を表示中"  # the newest version is loaded
    assert window.editor.editors["purpose"].toPlainText() == "子育て世帯に、催しの情報を届けます。"
    assert [row.split(" ")[0] for row in version_rows(window)] == ["第2版", "第1版"]
    assert version_rows(window)[0].endswith("(表示中)")

    calls = answer(monkeypatch, PolicyDiffDialog, None)
    window.versions_list.selectAll()
    window.diff_action.trigger()
    (title, diffs, old_label, new_label) = calls[-1]
    assert (old_label, new_label) == ("第1版", "第2版") and "@hh_kosodate" in title
    assert [d.item_id for d in diffs if isinstance(d, ItemDiff) and d.changed] == ["purpose"]

    dialog = PolicyDiffDialog(window, title, diffs, old_label, new_label)
    try:
        shown = dialog.text()
        assert "3. 情報発信を行う目的(変更あり)" in shown
        assert "子育て世帯に、催しの情報を届けます。" in shown
        assert "1. ソーシャルメディア等の種類" not in shown  # only the changed items, at first
        dialog.only_changed_box.setChecked(False)
        assert "1. ソーシャルメディア等の種類(変更なし)" in dialog.text()
    finally:
        dialog.deleteLater()

    # One version chosen: compared with the text being typed.
    window.editor.editors["content"].setPlainText("イベントの案内だけを発信します。")
    window.versions_list.clearSelection()
    window.versions_list.item(0).setSelected(True)
    window.diff_action.trigger()
    (_title, diffs, old_label, new_label) = calls[-1]
    assert (old_label, new_label) == ("第2版", CURRENT_TEXT_LABEL)
    assert [d.item_id for d in diffs if d.changed] == ["content"]
    wait_idle(qtbot, window)


def test_opening_an_older_version_asks_before_dropping_changes(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = registry.service(OPS_MANAGER)
    account = ops.register(FACTS, "広戦第1号")
    policy, _ = ops.policy(account.id)
    ops.save_policy(account.id, policy)
    ops.save_policy(account.id, policy.replace_item("purpose", "第2版の目的です。"))
    window = open_registry(OPS_MANAGER)
    window.editor.editors["content"].setPlainText("入力中の文面")
    asked = answer(monkeypatch, ConfirmDialog, None)  # 「キャンセル」
    window.open_version(1)
    assert len(asked) == 1 and window.editor.editors["content"].toPlainText() == "入力中の文面"

    answer(monkeypatch, ConfirmDialog, True)
    with qtbot.waitSignal(window.accountLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.open_version(1)
    wait_idle(qtbot, window)
    assert window.shown_label.text() == "第1版(下書き)を表示中"
    assert window.editor.editors["purpose"].toPlainText() == policy["purpose"]
    assert window.approve_policy_button.isEnabled()  # the version shown, unchanged


def test_unsaved_text_is_kept_while_another_account_is_shown(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry
) -> None:
    ops = registry.service(OPS_MANAGER)
    first = ops.register(FACTS, "広戦第1号")
    second = ops.register(
        AccountFactsInput(
            "instagram", "hh_kanko", "https://www.instagram.com/hh_kanko", "観光振興課", manager=ACCOUNT_MANAGER
        ),
        "広戦第2号",
    )
    window = open_registry(OPS_MANAGER)
    window.select_account(first.id)
    wait_idle(qtbot, window)
    window.editor.editors["content"].setPlainText("まだ保存していない文面")
    with qtbot.waitSignal(window.accountLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.select_account(second.id)
    wait_idle(qtbot, window)
    assert window.editor.editors["content"].toPlainText() != "まだ保存していない文面"
    with qtbot.waitSignal(window.accountLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.select_account(first.id)
    wait_idle(qtbot, window)
    assert window.editor.editors["content"].toPlainText() == "まだ保存していない文面"
    assert window.shown_label.text().endswith("変更あり(未保存)")


# -- the request document ------------------------------------------------------------------------------------------


def test_the_request_document_is_shown_with_the_policy_and_saved_as_html(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    registry.service(ACCOUNT_MANAGER).request(FACTS)
    window = open_registry(ACCOUNT_MANAGER)
    window.editor.editors["purpose"].setPlainText("別紙に載る、入力中の目的です。")
    shown = answer(monkeypatch, HtmlDocumentDialog, None)
    assert window.request_document_action.isEnabled()
    window.request_document_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=SIGNAL_TIMEOUT_MS)
    title, document, file_name = shown[0]
    assert title == "開設申請書 — @hh_kosodate" and file_name == "開設申請書_@hh_kosodate.html"
    assert "開設申請書" in document and "@hh_kosodate" in document
    assert "別紙に載る、入力中の目的です。" in document  # the policy on screen is the annex

    dialog = HtmlDocumentDialog(window, title, document, file_name)
    try:
        assert "@hh_kosodate" in dialog.browser.toPlainText()
        target = tmp_path / "申請書.html"
        answer(monkeypatch, SaveHtmlDialog, target)
        assert dialog.save() == target
        assert target.read_text(encoding="utf-8") == document
    finally:
        dialog.deleteLater()
    wait_idle(qtbot, window)


# -- roles and the status filter ----------------------------------------------------------------------------------


def test_a_drafter_can_prepare_a_policy_but_press_nothing_else(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry
) -> None:
    ops = registry.service(OPS_MANAGER)
    requested = registry.service(ACCOUNT_MANAGER).request(FACTS)
    active = ops.register(
        AccountFactsInput(
            "instagram", "hh_kanko", "https://www.instagram.com/hh_kanko", "観光振興課", manager=ACCOUNT_MANAGER
        ),
        "広戦第2号",
    )
    policy, _ = ops.policy(active.id)
    ops.save_policy(active.id, policy)
    window = open_registry(DRAFTER)
    assert window.me_label.text() == "suzuki(起案者)"
    for account_id in (requested.id, active.id):
        window.select_account(account_id)
        wait_idle(qtbot, window)
        for action in window.lifecycle_actions:
            assert not action.isEnabled(), action.text()
        assert not window.approve_policy_button.isEnabled()
        assert not window.publish_button.isEnabled()
    window.editor.editors["content"].setPlainText("起案者が用意した文面")
    assert window.save_button.isEnabled()  # staff may prepare a version for the manager to approve


def test_buttons_follow_role_and_status() -> None:
    from sns_desk.core.accounts import Account
    from sns_desk.core.people import Person

    account = Account(1, "x", "@a", "https://x.com/a", "課", ACCOUNT_MANAGER, AccountStatus.ACTIVE)
    ops = Person(OPS_MANAGER, OPS_MANAGER, Role.OPERATIONS_MANAGER)
    manager = Person(ACCOUNT_MANAGER, ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER)
    other_manager = Person("bucho", "bucho", Role.ACCOUNT_MANAGER)
    assert allowed(ops, account).suspend and allowed(ops, account).close
    assert allowed(manager, account).suspend and not allowed(manager, account).close
    assert not allowed(other_manager, account).suspend and not allowed(other_manager, account).edit_facts
    assert allowed(other_manager, None).request
    assert allowed(None, account) == allowed(None, None)


def test_the_status_filter(
    qtbot: QtBot, open_registry: OpenRegistry, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = registry.service(OPS_MANAGER)
    ops.register(FACTS, "広戦第1号")
    requested = registry.service(ACCOUNT_MANAGER).request(
        AccountFactsInput("instagram", "hh_kanko", "https://www.instagram.com/hh_kanko", "観光振興課", purpose="観光")
    )
    window = open_registry(OPS_MANAGER)
    assert window.count_label.text() == "2 件"
    window.status_combo.setCurrentIndex(window.status_combo.findData(AccountStatus.REQUESTED))
    wait_idle(qtbot, window)
    assert list(statuses(window)) == ["hh_kanko"]
    assert window.count_label.text() == "1 件(全 2 件)"
    assert window.snapshot is not None and window.snapshot.account.id == requested.id

    # Rejected: no longer 申請中, but still shown, as the account just worked on.
    answer(monkeypatch, AccountReasonDialog, "目的が既存のアカウントと重なるため")
    step(qtbot, window, window.reject_action.trigger)
    assert window.status_combo.currentIndex() == 0
    assert statuses(window) == {"@hh_kosodate": "承認済み(運用前)", "hh_kanko": "不承認"}
    assert detail(window, "状態") == "不承認 — 目的が既存のアカウントと重なるため"


# -- the desk opens it -----------------------------------------------------------------------------------------


def test_the_desk_opens_the_registry_from_the_view_menu(qtbot: QtBot, open_desk: OpenDesk, desk: Desk) -> None:
    made: list[RegistryService] = []

    def factory() -> RegistryService:
        made.append(RegistryService(desk.database, OPS_MANAGER, checker=lambda: desk.checker))
        return made[-1]

    window = open_desk(OPS_MANAGER, registry=factory)
    assert window.registry_action.isVisible()
    assert window.registry_action.text() == "アカウントと利用方針(第4条)(&R)…"
    assert made == []  # made the first time it is opened
    registry_window = window.open_registry()
    assert isinstance(registry_window, RegistryWindow) and registry_window.isVisible()
    qtbot.waitUntil(lambda: registry_window.overview is not None, timeout=SIGNAL_TIMEOUT_MS)
    wait_idle(qtbot, registry_window)
    assert set(statuses(registry_window)) == {"東広島市広報", "東広島市観光"}
    assert window.open_registry() is registry_window and len(made) == 1
    window.close()
    qtbot.waitUntil(window.isHidden, timeout=SIGNAL_TIMEOUT_MS)
    assert registry_window.isHidden()


def test_without_a_factory_the_action_is_hidden(open_desk: OpenDesk) -> None:
    window = open_desk(OPS_MANAGER)
    assert not window.registry_action.isVisible()
    assert window.open_registry() is None


def test_an_accounts_history_comes_from_the_audit_trail(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_desk(DRAFTER, registry=lambda: RegistryService(desk.database, DRAFTER, checker=lambda: desk.checker))
    registry_window = window.open_registry()
    assert registry_window is not None
    qtbot.waitUntil(lambda: registry_window.overview is not None, timeout=SIGNAL_TIMEOUT_MS)
    wait_idle(qtbot, registry_window)
    assert registry_window.history_action.isVisible()  # the desk hands its audit trail on
    registry_window.select_account(desk.koho.id)
    qtbot.waitUntil(
        lambda: registry_window.snapshot is not None and registry_window.snapshot.account.id == desk.koho.id,
        timeout=SIGNAL_TIMEOUT_MS,
    )
    wait_idle(qtbot, registry_window)
    shown: list[tuple[str, list[HistoryEntry]]] = []
    monkeypatch.setattr(
        HistoryDialog, "ask", classmethod(lambda _cls, _parent, subject, entries: shown.append((subject, entries)))
    )
    with qtbot.waitSignal(registry_window.ops.finished, timeout=SIGNAL_TIMEOUT_MS):
        registry_window.history_action.trigger()
    ((subject, entries),) = shown
    assert subject == "東広島市広報"
    assert [e.label for e in entries] == [
        "アカウントを登録",
        "利用方針を保存",
        "利用方針を承認",
        "利用方針の公表を記録",
        "運用を開始",
    ]
    assert {e.actor for e in entries} == {OPS_MANAGER}


def test_without_an_audit_trail_the_registry_has_no_history(open_registry: OpenRegistry) -> None:
    window = open_registry(OPS_MANAGER)
    assert not window.history_action.isVisible()
