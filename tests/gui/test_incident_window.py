"""The インシデント window over a real SQLite database: reporting, the checklist, refusals, evidence, texts
that become desk drafts, and closing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QUrl
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from sns_desk.core.incidents import (
    EventKind,
    EvidenceKind,
    Incident,
    IncidentKind,
    IncidentStatus,
    LinkedDraft,
    Step,
    StepState,
    StepStatus,
    TextKind,
    load_catalog,
    rules,
)
from sns_desk.core.jst import JST
from sns_desk.core.people import Person, Role
from sns_desk.gui import incident_window
from sns_desk.gui.dialogs import ConfirmDialog
from sns_desk.gui.incident_dialogs import (
    CloseIncidentDialog,
    EvidenceAnswer,
    EvidenceDialog,
    NoteDialog,
    NotNeededDialog,
    ReportAnswer,
    ReportDialog,
    StepDoneDialog,
    TextAnswer,
    TextDialog,
)
from sns_desk.gui.incident_model import (
    COLUMN_STEPS,
    LIST_HEADERS,
    LOADING,
    NO_INCIDENT,
    NO_STEP,
    STEP_COLUMN_NEED,
    STEP_COLUMN_RECORD,
    STEP_COLUMN_STATE,
    UNDECIDED_COLOR,
    IncidentAllowed,
    StepsModel,
    TimelineModel,
    incident_allowed,
)
from sns_desk.gui.incident_window import PLACEHOLDER, WINDOW_TITLE, IncidentWindow
from sns_desk.gui.ops import OpRunner
from sns_desk.services.archive import ArchiveService
from sns_desk.services.incidents import IncidentService
from sns_desk.storage.search import SearchQuery

from .conftest import ACCOUNT_MANAGER, DRAFTER, OPS_MANAGER, SIGNAL_TIMEOUT_MS, Desk, Messages, OpenDesk

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen notes

DRAFTER_MAY_NOT_DECIDE = "手順を記録できるのは、アカウント「東広島市広報」の管理者か運用管理者です(あなたは起案者)"
DRAFTER_MAY_NOT_CLOSE = "事案を終了できるのは、アカウント「東広島市広報」の管理者か運用管理者です(あなたは起案者)"
FAKE = "https://x.com/hh_koho_official"

OpenIncidents = Callable[..., IncidentWindow]


def service_for(desk: Desk, login: str) -> IncidentService:
    return IncidentService(desk.database, login, media=desk.media, checker=lambda: desk.checker)


@pytest.fixture
def open_incidents(qtbot: QtBot, desk: Desk, tmp_path: Path) -> Iterator[OpenIncidents]:
    """``open_incidents(login)``: a shown インシデント window for that user, its list (and first incident) loaded."""
    windows: list[IncidentWindow] = []

    def make(login: str, **kwargs: Any) -> IncidentWindow:
        settings = QSettings(str(tmp_path / f"incidents-{login}.ini"), QSettings.Format.IniFormat)
        window = IncidentWindow(service_for(desk, login), settings=settings, **kwargs)
        windows.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.snapshot is not None and not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
        return window

    yield make
    for window in windows:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def answer(monkeypatch: pytest.MonkeyPatch, dialog: type, value: object) -> list[tuple[Any, ...]]:
    """Make ``dialog.ask`` return ``value``; returns the arguments of each call (after the parent)."""
    calls: list[tuple[Any, ...]] = []

    def ask(_cls: object, _parent: object, *args: Any, **kwargs: Any) -> object:
        calls.append((*args, *kwargs.values()))
        return value

    monkeypatch.setattr(dialog, "ask", classmethod(ask))
    return calls


def settle(qtbot: QtBot, window: IncidentWindow, trigger: Callable[[], object]) -> None:
    """Press a button whose call ends in a reload, and wait until the list and the incident are shown again."""
    with qtbot.waitSignal(window.incidentsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        trigger()
    qtbot.waitUntil(lambda: not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)


def state(window: IncidentWindow, name: str) -> tuple[bool, str]:
    action = getattr(window, f"{name}_action")
    return action.isEnabled(), action.toolTip()


def list_rows(window: IncidentWindow) -> list[list[str]]:
    model = window.list_model
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def step_row(window: IncidentWindow, step_id: str) -> list[str]:
    model = window.steps_model
    row = model.row_of(step_id)
    assert row is not None, step_id
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def shown(window: IncidentWindow) -> Incident:
    incident = window.incident
    assert incident is not None
    return incident


def report_impersonation(desk: Desk, login: str = DRAFTER) -> Incident:
    found = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    return service_for(desk, login).open(
        desk.koho.id, IncidentKind.IMPERSONATION, "市の広報を名乗る偽アカウント", found, "市民からの電話"
    )


def png_bytes(size: tuple[int, int] = (320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 78, 137)).save(buffer, "PNG")
    return buffer.getvalue()


def a_minute_ago() -> dt.datetime:
    return (dt.datetime.now(JST) - dt.timedelta(minutes=1)).replace(second=0, microsecond=0)


# -- reporting ------------------------------------------------------------------------------------------


def test_a_drafter_reports_an_incident_through_the_dialog(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_incidents(DRAFTER)
    assert window.windowTitle() == WINDOW_TITLE == "sns_desk — インシデント"
    assert window.list_model.rowCount() == 0
    assert window.detail_stack.currentWidget() is window.placeholder and window.placeholder.text() == PLACEHOLDER
    assert state(window, "report") == (
        True,
        "なりすまし・乗っ取り・炎上・誤投稿などの事案を記録します(だれでも)(Ctrl+N)",
    )
    assert state(window, "note") == (False, NO_INCIDENT)

    found = a_minute_ago()
    report = ReportAnswer(desk.koho.id, IncidentKind.IMPERSONATION, "市の広報を名乗る偽アカウント", found, "")
    asked = answer(monkeypatch, ReportDialog, report)
    with qtbot.waitSignal(window.incidentChanged, timeout=SIGNAL_TIMEOUT_MS) as changed:
        settle(qtbot, window, window.report_action.trigger)
    ((accounts, checklists, previous),) = asked
    assert [a.name for a in accounts] == sorted([desk.koho.name, desk.kanko.name])
    assert [c.kind for c in checklists] == list(IncidentKind) and previous is None

    incident = changed.args[0]
    assert isinstance(incident, Incident)
    assert (incident.kind, incident.reported_by, incident.found_by, incident.found_at) == (
        IncidentKind.IMPERSONATION, DRAFTER, DRAFTER, found,
    )  # fmt: skip
    assert (
        window.statusBar().currentMessage().startswith(f"事案 {incident.id} を受け付けました(なりすまし、東広島市広報)")
    )
    (row,) = list_rows(window)
    assert row[:4] == [str(incident.id), "対応中", "なりすまし", "東広島市広報"]
    assert row[4] == found.strftime("%Y/%m/%d %H:%M")  # Japan time
    assert row[COLUMN_STEPS] == f"{len(incident.steps)} / {len(incident.steps)}"
    assert [window.list_model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(LIST_HEADERS))] == list(
        LIST_HEADERS
    )
    # The new incident is chosen and shown, with its checklist.
    assert shown(window).id == incident.id and window.detail_stack.currentWidget() is window.detail
    assert "事案 " in window.header_label.text() and "なりすまし(第8条第1項)" in window.header_label.text()
    assert window.found_label.text().startswith(f"{found:%Y年%m月%d日 %H:%M}(日本時間)")
    assert window.steps_model.rowCount() == len(incident.steps)
    assert step_row(window, "report")[STEP_COLUMN_STATE] == "未了"
    assert window.timeline_model.rowCount() == 1
    assert window.read_only_label.isVisible()  # a drafter reads at once who ticks the steps


def test_a_refused_report_is_shown_and_what_was_typed_comes_back(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_incidents(DRAFTER)
    tomorrow = dt.datetime.now(JST) + dt.timedelta(days=1)
    typed = ReportAnswer(desk.kanko.id, IncidentKind.FLAMING, "批判的なコメントが急に増えた", tomorrow, "観光振興課")
    answer(monkeypatch, ReportDialog, typed)
    failed: list[str] = []
    window.actionFailed.connect(failed.append)
    settle(qtbot, window, window.report_action.trigger)
    assert failed == ["発見日時に未来の日時は指定できません"]
    assert messages.shown == [("事案を報告できません", "発見日時に未来の日時は指定できません", "warning")]
    assert window.list_model.rowCount() == 0

    again = answer(monkeypatch, ReportDialog, None)
    window.report_action.trigger()
    assert again[0][2] == typed  # offered again: nothing typed is lost


# -- the checklist ----------------------------------------------------------------------------------------


def test_a_drafter_sees_greyed_buttons_that_say_why(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = report_impersonation(desk)
    window = open_incidents(DRAFTER)
    assert shown(window).id == incident.id  # the newest open incident is shown on opening
    assert window.selected_step() is not None and window.selected_step().step.id == "report"  # the first open one
    for name, why in (
        ("done", DRAFTER_MAY_NOT_DECIDE),
        ("not_needed", DRAFTER_MAY_NOT_DECIDE),
        ("close_incident", DRAFTER_MAY_NOT_CLOSE),
    ):
        action = getattr(window, f"{name}_action")
        assert (action.isEnabled(), action.toolTip(), action.statusTip()) == (False, why, why), name
    toolbar_button = window.toolbar.widgetForAction(window.close_incident_action)
    assert toolbar_button is not None and not toolbar_button.isEnabled()
    assert toolbar_button.toolTip() == DRAFTER_MAY_NOT_CLOSE
    assert window.read_only_label.isVisible() and "東広島市広報" in window.read_only_label.text()
    for name in ("note", "evidence", "text", "report"):
        assert state(window, name)[0], name  # a drafter still adds notes, evidence and texts

    asked = answer(monkeypatch, StepDoneDialog, "電話で報告")
    window.done_action.trigger()
    window.mark_done()
    window.steps_view.doubleClicked.emit(window.steps_model.index(0, 0))
    assert asked == [] and not window.ops.is_busy


def test_the_accounts_manager_ticks_steps_and_closes_once_every_step_is_decided(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = report_impersonation(desk)
    window = open_incidents(ACCOUNT_MANAGER)
    assert not window.read_only_label.isVisible()
    window.select_step("report")
    assert state(window, "done")[0]
    assert state(window, "not_needed") == (
        False,
        "手順「運用管理者(広報戦略担当)へ報告する」は必須のため、不要にはできません",
    )
    asked = answer(monkeypatch, StepDoneDialog, "電話で報告した")
    with qtbot.waitSignal(window.incidentChanged, timeout=SIGNAL_TIMEOUT_MS):
        settle(qtbot, window, window.done_action.trigger)
    (step, previous), *_ = asked
    assert isinstance(step, Step) and step.id == "report" and previous == ""
    row = step_row(window, "report")
    assert row[STEP_COLUMN_STATE] == "済み"
    assert row[STEP_COLUMN_RECORD].startswith(f"{ACCOUNT_MANAGER} ") and row[STEP_COLUMN_RECORD].endswith(
        "「電話で報告した」"
    )
    window.select_step("report")
    assert state(window, "done") == (
        False,
        f"手順「運用管理者(広報戦略担当)へ報告する」は {ACCOUNT_MANAGER} が済みにしています",
    )
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("「運用管理者(広報戦略担当)へ報告する」を済みにしました。残りの手順")
    )

    window.select_step("press")  # where needed: 不要 with a reason
    assert state(window, "not_needed")[0]
    answer(monkeypatch, NotNeededDialog, "偽アカウントは一日で停止されたため")
    settle(qtbot, window, window.not_needed_action.trigger)
    press = step_row(window, "press")
    assert press[STEP_COLUMN_STATE] == "不要" and press[STEP_COLUMN_RECORD].endswith(
        "「偽アカウントは一日で停止されたため」"
    )

    # Closing is greyed while steps are open, and the tooltip names them.
    enabled, why = state(window, "close_incident")
    assert not enabled and why == rules.why_not_close(window.me, shown(window))  # type: ignore[arg-type]
    assert "「SNS の運営会社に偽アカウントの削除か停止を依頼する」(必須)" in why
    assert "(要否が未判断)" in why and "「報道機関へ情報を提供する」" not in why
    assert window.progress_label.text().startswith("終了までに残っている手順:")

    # Decide the rest in another terminal, then close here.
    other = service_for(desk, OPS_MANAGER)
    for open_state in other.incident(incident.id).blocking:
        if open_state.step.required:
            other.step_done(incident.id, open_state.step.id)
        else:
            other.step_not_needed(incident.id, open_state.step.id, "今回は当てはまらないため")
    settle(qtbot, window, window.refresh_action.trigger)
    assert state(window, "close_incident")[0]
    assert window.progress_label.text() == "手順はすべて済みか不要と判断されています。「事案を終了」で閉じられます。"
    asked_close = answer(monkeypatch, CloseIncidentDialog, "偽アカウントは停止され、周知も済んだ")
    settle(qtbot, window, window.close_incident_action.trigger)
    assert asked_close[0][0] == f"事案 {incident.id}(なりすまし、東広島市広報)"
    assert (
        window.statusBar().currentMessage() == f"事案 {incident.id} を終了しました(「終了した事案も表示」で見られます)"
    )
    assert window.list_model.rowCount() == 0 and window.incident is None  # open ones only
    stored = service_for(desk, OPS_MANAGER).incident(incident.id)
    assert stored.status is IncidentStatus.CLOSED and stored.events[-1].text == "偽アカウントは停止され、周知も済んだ"

    settle(qtbot, window, lambda: window.include_closed.setChecked(True))
    (row_closed,) = list_rows(window)
    assert row_closed[1] == "終了" and row_closed[COLUMN_STEPS] == "なし"
    window.select(incident.id)
    qtbot.waitUntil(lambda: window.incident is not None and not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
    closed_note = f"事案 {incident.id} は終了しています"
    assert state(window, "close_incident") == (False, closed_note)
    assert state(window, "done") == (False, closed_note)
    assert state(window, "note") == (False, f"{closed_note}。終了した事案には追加できません")
    assert window.progress_label.text().startswith(f"終了しました({ACCOUNT_MANAGER} ")


def test_the_services_refusal_to_close_names_the_open_steps_and_keeps_the_summary(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen out of date may offer 事案を終了: the service still refuses, naming the steps left."""
    incident = report_impersonation(desk)
    window = open_incidents(ACCOUNT_MANAGER)
    stale = IncidentAllowed(None, None, None, None, None, None, None)
    monkeypatch.setattr(incident_window, "incident_allowed", lambda *_args, **_kwargs: stale)
    window.refresh()
    qtbot.waitUntil(lambda: not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
    assert state(window, "close_incident")[0]
    answer(monkeypatch, CloseIncidentDialog, "まとめ(途中)")
    settle(qtbot, window, window.close_incident_action.trigger)
    ((title, text, kind),) = messages.shown
    assert (title, kind) == ("事案を終了できません", "warning")
    assert text.startswith(f"次の手順が済んでいないため、事案 {incident.id} を終了できません:")
    for open_state in shown(window).blocking:
        assert open_state.describe_open in text
    assert service_for(desk, OPS_MANAGER).incident(incident.id).is_open

    again = answer(monkeypatch, CloseIncidentDialog, None)
    window.close_incident_action.trigger()
    assert again == [(f"事案 {incident.id}(なりすまし、東広島市広報)", "まとめ(途中)")]  # nothing typed is lost


def test_notes_go_into_the_timeline_and_another_terminals_change_is_shown(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = report_impersonation(desk)
    window = open_incidents(DRAFTER)
    answer(monkeypatch, NoteDialog, "運営会社の窓口に報告フォームから依頼した")
    settle(qtbot, window, window.note_action.trigger)
    events = window.timeline_model.events()
    assert [e.action for e in events] == [EventKind.OPENED, EventKind.NOTE]
    model = window.timeline_model
    assert model.data(model.index(1, 2)) == "記録" and model.data(model.index(1, 3)) == events[1].text
    assert window.tabs.tabText(1) == "経過(2)"

    service_for(desk, ACCOUNT_MANAGER).step_done(incident.id, "report", "報告済み")
    window.on_external_change(frozenset({"drafts"}))
    assert not window.ops.is_busy  # not one of the incident window's tables
    with qtbot.waitSignal(window.incidentShown, timeout=SIGNAL_TIMEOUT_MS):
        window.on_external_change(frozenset({"incidents"}))  # PostgreSQL announces it; here: by hand
    assert step_row(window, "report")[STEP_COLUMN_STATE] == "済み"
    assert model.data(model.index(2, 3)) == "「運用管理者(広報戦略担当)へ報告する」 報告済み"


# -- evidence ----------------------------------------------------------------------------------------------


def test_evidence_added_shows_up_with_links_and_thumbnails(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A posted draft is in the archive (第6条): the mistaken post an incident is about.
    drafter = desk.service(DRAFTER)
    posted = drafter.create_draft(desk.koho.id, text="説明会の日程をお知らせします")
    drafter.submit(posted.id)
    desk.service(ACCOUNT_MANAGER).approve(posted.id)
    drafter.mark_posted(posted.id, "https://x.com/hh_koho/status/1861", dt.datetime.now(dt.UTC))
    archive = ArchiveService(desk.database, desk.media)
    (item,) = archive.search(SearchQuery(account=desk.koho.name)).items
    incident = report_impersonation(desk)
    window = open_incidents(DRAFTER, archive=lambda: archive)
    assert window.evidence_empty.isVisible() and window.evidence_rows == []

    answer(monkeypatch, EvidenceDialog, EvidenceAnswer(EvidenceKind.URL, FAKE, "偽アカウントのプロフィール"))
    settle(qtbot, window, window.evidence_action.trigger)
    (url_row,) = window.evidence_rows
    assert (
        f'<a href="{FAKE}">{FAKE}</a>' in url_row.label.text() and "偽アカウントのプロフィール" in url_row.label.text()
    )
    assert not url_row.thumbnail.isVisible()
    opened: list[QUrl] = []
    monkeypatch.setattr(incident_window, "open_location", lambda url: opened.append(url) or True)
    url_row.label.linkActivated.emit(FAKE)  # a click on the link
    assert opened == [QUrl(FAKE)]
    assert window.statusBar().currentMessage() == f"証拠を追加しました(URL: {FAKE})"

    shot = tmp_path / "偽アカウント.png"
    shot.write_bytes(png_bytes())
    file_asked = answer(monkeypatch, EvidenceDialog, EvidenceAnswer(EvidenceKind.FILE, str(shot), "画面の記録"))
    settle(qtbot, window, window.evidence_action.trigger)
    (previous, find, runner) = file_asked[0]
    assert previous is None and callable(find) and runner is window.ops
    file_row = window.evidence_rows[1]
    assert file_row.evidence.filename == "偽アカウント.png" and file_row.thumbnail.isVisibleTo(window)
    pixmap = file_row.thumbnail.pixmap()
    assert not pixmap.isNull() and pixmap.width() == pixmap.height()  # the thumbnail, on its square

    answer(monkeypatch, EvidenceDialog, EvidenceAnswer(EvidenceKind.ITEM, str(item.id), "誤りのあった投稿"))
    settle(qtbot, window, window.evidence_action.trigger)
    item_row = window.evidence_rows[2]
    assert f"投稿 {item.id}(" in item_row.label.text() and "説明会の日程" in item_row.label.text()
    assert 'href="https://x.com/hh_koho/status/1861"' in item_row.label.text()
    assert window.tabs.tabText(0) == "証拠(3)"
    assert [e.kind for e in service_for(desk, OPS_MANAGER).incident(incident.id).evidence] == [
        EvidenceKind.URL, EvidenceKind.FILE, EvidenceKind.ITEM,
    ]  # fmt: skip


def test_refused_evidence_is_shown_and_offered_again(
    qtbot: QtBot, open_incidents: OpenIncidents, desk: Desk, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_impersonation(desk)
    window = open_incidents(DRAFTER)
    typed = EvidenceAnswer(EvidenceKind.URL, "x.com/hh_koho_official", "偽アカウント")
    answer(monkeypatch, EvidenceDialog, typed)
    settle(qtbot, window, window.evidence_action.trigger)
    assert messages.texts() == ["URL「x.com/hh_koho_official」は http:// か https:// で始まるアドレスにしてください"]
    assert window.evidence_rows == []
    again = answer(monkeypatch, EvidenceDialog, None)
    window.evidence_action.trigger()
    assert again[0][0] == typed


def test_the_evidence_dialog_finds_the_accounts_archive_posts(qtbot: QtBot, desk: Desk) -> None:
    drafter = desk.service(DRAFTER)
    posted = drafter.create_draft(desk.koho.id, text="紅葉が見ごろです")
    drafter.submit(posted.id)
    desk.service(ACCOUNT_MANAGER).approve(posted.id)
    drafter.mark_posted(posted.id, "https://x.com/hh_koho/status/77", dt.datetime.now(dt.UTC))
    archive = ArchiveService(desk.database, desk.media)
    runner = OpRunner()
    dialog = EvidenceDialog(
        None,
        EvidenceAnswer(EvidenceKind.ITEM, ""),
        find=lambda words: archive.search(SearchQuery(text=words, account=desk.koho.name)).items,
        runner=runner,
    )
    try:
        assert dialog.kind() is EvidenceKind.ITEM and not dialog.ok_button.isEnabled()
        dialog.search_edit.setText("紅葉")
        with qtbot.waitSignal(dialog.searched, timeout=SIGNAL_TIMEOUT_MS) as found:
            dialog.search()
        assert found.args == [1]
        dialog.results.setCurrentRow(0)
        assert dialog.ok_button.isEnabled()
        chosen = dialog.answer()
        assert chosen.kind is EvidenceKind.ITEM and int(chosen.value) > 0
        dialog.kind_buttons.button(0).setChecked(True)  # URL: its own field, empty
        assert dialog.kind() is EvidenceKind.URL and not dialog.ok_button.isEnabled()
    finally:
        dialog.deleteLater()
        runner.shutdown()


# -- texts that become drafts ------------------------------------------------------------------------------


def test_a_generated_post_becomes_a_draft_the_desk_shows(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = report_impersonation(desk)
    desk_window = open_desk(ACCOUNT_MANAGER, incidents=lambda: service_for(desk, ACCOUNT_MANAGER))
    assert desk_window.incidents_action.isVisible()
    window = desk_window.open_incidents()
    assert window is not None and desk_window.open_incidents() is window  # made once
    qtbot.waitUntil(lambda: window.incident is not None and not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
    text_asked = answer(monkeypatch, TextDialog, TextAnswer(TextKind.POST, "偽アカウントにご注意ください"))
    confirm_asked = answer(monkeypatch, ConfirmDialog, True)  # 投稿デスクで開く
    with (
        qtbot.waitSignal(window.draftCreated, timeout=SIGNAL_TIMEOUT_MS) as created,
        qtbot.waitSignal(desk_window.listed, timeout=SIGNAL_TIMEOUT_MS),
        qtbot.waitSignal(desk_window.draftLoaded, timeout=SIGNAL_TIMEOUT_MS) as loaded,
    ):
        window.text_action.trigger()
    subject, offered, _preview, runner, _previous, refusal = text_asked[0]
    assert subject == f"事案 {incident.id}(なりすまし、東広島市広報)"
    assert {kind for kind, _title in offered} == set(load_catalog().checklist(IncidentKind.IMPERSONATION).texts)
    assert runner is window.ops and refusal is None
    linked = created.args[0]
    assert isinstance(linked, LinkedDraft) and linked.text is TextKind.POST
    assert confirm_asked[0][0] == "投稿案を作成しました" and f"投稿案 {linked.draft_id}" in confirm_asked[0][1]
    assert desk_window.drafts_model.row_of(linked.draft_id) is not None  # in the desk's list
    draft = loaded.args[0]
    assert draft.id == linked.draft_id and "偽アカウントにご注意ください" in draft.text  # opened in the desk
    qtbot.waitUntil(lambda: not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
    assert window.drafts_list.count() == 1
    assert window.drafts_list.item(0).text().startswith(f"投稿案 {linked.draft_id}  公式アカウントでの投稿")
    assert window.timeline_model.events()[-1].action is EventKind.TEXT_GENERATED


def test_the_text_dialog_previews_before_it_offers_to_make_a_draft(qtbot: QtBot, desk: Desk) -> None:
    incident = report_impersonation(desk)
    service = service_for(desk, DRAFTER)
    runner = OpRunner()
    offered = [(TextKind.NOTICE, "お知らせ"), (TextKind.POST, "注意の呼びかけ")]

    def preview(kind: TextKind, message: str) -> Any:
        return service.preview(incident.id, kind, message)

    dialog = TextDialog(None, "事案", offered, preview, runner, TextAnswer(TextKind.POST))
    try:
        with qtbot.waitSignal(dialog.previewShown, timeout=SIGNAL_TIMEOUT_MS) as first:
            pass
        assert first.args[0].kind is TextKind.POST and dialog.preview_edit.toPlainText() == first.args[0].body
        assert dialog.ok_button.isEnabled()
        with qtbot.waitSignal(dialog.previewShown, timeout=SIGNAL_TIMEOUT_MS) as second:
            dialog.message_edit.setPlainText("フォローしないでください")
            assert not dialog.ok_button.isEnabled()  # the preview shown is not what is typed
        assert "フォローしないでください" in second.args[0].body and dialog.ok_button.isEnabled()
        assert dialog.chosen() == TextAnswer(TextKind.POST, "フォローしないでください")
    finally:
        dialog.done(0)
        dialog.deleteLater()

    refused = TextDialog(None, "事案", offered, preview, runner, None, "アカウント「東広島市広報」は休止のため")
    try:
        qtbot.waitSignal(refused.previewShown, timeout=SIGNAL_TIMEOUT_MS).wait()
        assert refused.preview_edit.toPlainText() and not refused.ok_button.isEnabled()
        assert refused.ok_button.toolTip() == "アカウント「東広島市広報」は休止のため"
    finally:
        refused.done(0)
        refused.deleteLater()
        runner.shutdown()


# -- the model, the rules and the dialogs, alone -------------------------------------------------------------


def test_incident_allowed_asks_the_core(desk: Desk) -> None:
    incident = report_impersonation(desk)
    drafter = Person(DRAFTER, DRAFTER, Role.DRAFTER)
    manager = Person(ACCOUNT_MANAGER, ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER)
    loading = incident_allowed(None, (), None, None)
    assert loading.report == loading.done == loading.close == LOADING
    assert incident_allowed(drafter, (desk.koho,), None, None).report is None
    assert incident_allowed(drafter, (), None, None).report is not None
    assert incident_allowed(manager, (desk.koho,), incident, None).done == NO_STEP
    assert incident_allowed(drafter, (desk.koho,), incident, None).done == DRAFTER_MAY_NOT_DECIDE
    assert incident_allowed(manager, (desk.koho,), incident, "report").done is None
    assert incident_allowed(manager, (desk.koho,), incident, "report", offers_texts=False).text is not None
    gone = Person(DRAFTER, DRAFTER, Role.DRAFTER, active=False)
    assert (
        incident_allowed(gone, (desk.koho,), None, None).report
        == "「suzuki」は無効にされているため、事案を報告できません"
    )


def test_the_steps_model_colours_what_keeps_an_incident_open() -> None:
    required = Step("report", "報告する", True, "第8条第1項", "急いで伝えます")
    optional = Step("press", "報道機関へ", False, text=TextKind.PRESS)
    at = dt.datetime(2026, 12, 5, 1, 5, tzinfo=dt.UTC)
    model = StepsModel()
    model.set_states(
        [StepState(required, StepStatus.DONE, "kacho", at, "電話で"), StepState(optional, StepStatus.OPEN)]
    )
    assert model.data(model.index(0, STEP_COLUMN_RECORD)) == "kacho 2026年12月05日 10:05「電話で」"  # Japan time
    assert model.data(model.index(1, STEP_COLUMN_NEED)) == "必要に応じて"
    assert model.data(model.index(1, STEP_COLUMN_STATE), Qt.ItemDataRole.ForegroundRole) == QColor(UNDECIDED_COLOR)
    assert "文案: 報道機関への情報提供" in str(model.data(model.index(1, 1), Qt.ItemDataRole.ToolTipRole))
    assert "急いで伝えます" in str(model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole))
    assert TimelineModel().rowCount() == 0


def test_the_report_dialog_needs_a_description_and_reads_the_time_in_japan(desk: Desk) -> None:
    service = service_for(desk, DRAFTER)
    now = dt.datetime(2026, 12, 5, 1, 5, tzinfo=dt.UTC)
    dialog = ReportDialog(None, service.accounts(), service.checklists(), None, now)
    try:
        assert dialog.windowTitle() == "事案を報告" and not dialog.ok_button.isEnabled()
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(IncidentKind.MISTAKE.value))
        assert "第9条第1項" in dialog.kind_note.text() and "手順 " in dialog.kind_note.text()
        dialog.description_edit.setPlainText(" 投稿の日付が誤っていた ")
        assert dialog.ok_button.isEnabled()
        got = dialog.answer()
        assert got.kind is IncidentKind.MISTAKE and got.description == "投稿の日付が誤っていた"
        assert got.found_at == dt.datetime(2026, 12, 5, 10, 5, tzinfo=JST) == now
    finally:
        dialog.deleteLater()
    again = ReportDialog(None, service.accounts(), service.checklists(), got)
    try:
        assert again.answer() == got
    finally:
        again.deleteLater()


def test_the_step_dialogs() -> None:
    optional = Step("press", "報道機関へ情報を提供する", False, "第8条第1項")
    not_needed = NotNeededDialog(None, optional)
    done = StepDoneDialog(None, optional, "前の記録")
    try:
        assert not not_needed.ok_button.isEnabled()
        not_needed.text_edit.setPlainText("広まっていないため")
        assert not_needed.ok_button.isEnabled() and not_needed.answer() == "広まっていないため"
        assert done.ok_button.isEnabled() and done.answer() == "前の記録"  # the note is optional
    finally:
        not_needed.deleteLater()
        done.deleteLater()
