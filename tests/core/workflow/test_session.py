"""The open draft's editing state (autosave, conflicts, saves waited for), without Qt or a database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sns_desk.core.errors import UserError
from sns_desk.core.people import Person, Role
from sns_desk.core.workflow import Draft, DraftState, WorkflowError
from sns_desk.core.workflow.session import AfterSave, Content, DraftSession, SaveRequest

AUTOSAVE_MS = 2000
RETRY_MS = 10_000
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
AUTHOR = Person("sato", "佐藤", Role.DRAFTER)
OTHER_DRAFTER = Person("ito", "伊藤", Role.DRAFTER)


def make_draft(draft_id: int = 1, revision: int = 3, state: DraftState = DraftState.DRAFT) -> Draft:
    return Draft(draft_id, 1, "sato", "花火大会を開催します。", state, ("x",), NOW, NOW, revision=revision)


class FakeHost:
    """Records what the session asks of the screen; the test plays the background calls."""

    def __init__(self) -> None:
        self.screen = Content("花火大会を開催します。", "", ("x",))
        self.saves: list[SaveRequest] = []
        self.autosave: list[int | None] = []
        self.copies: list[AfterSave | None] = []
        self.shown_saved: list[tuple[int, bool]] = []
        self.shown_failed: list[tuple[str, bool, bool]] = []

    def content(self) -> Content:
        return self.screen

    def start_save(self, request: SaveRequest) -> None:
        self.saves.append(request)

    def set_autosave(self, delay_ms: int | None) -> None:
        self.autosave.append(delay_ms)

    def keep_copy(self, then: AfterSave | None) -> None:
        self.copies.append(then)

    def show_saved(self, draft: Draft, manual: bool) -> None:
        self.shown_saved.append((draft.revision, manual))

    def show_save_failed(self, exc: Exception, conflict: bool, waiting: bool) -> None:
        self.shown_failed.append((str(exc), conflict, waiting))

    def type(self, text: str) -> None:
        self.screen = dataclasses.replace(self.screen, text=text)


@pytest.fixture
def host() -> FakeHost:
    return FakeHost()


def open_session(host: FakeHost, person: Person = AUTHOR, draft: Draft | None = None) -> DraftSession:
    session = DraftSession(host, autosave_ms=AUTOSAVE_MS, retry_ms=RETRY_MS)
    session.me = person
    session.show(draft or make_draft())
    host.autosave.clear()
    return session


def stored(request: SaveRequest) -> Draft:
    """What the service returns for a successful save of ``request``."""
    return dataclasses.replace(make_draft(request.draft_id), revision=request.revision + 1, text=request.content.text)


class Calls:
    def __init__(self) -> None:
        self.results: list[bool] = []

    def __call__(self, ok: bool) -> None:
        self.results.append(ok)


# -- editing ------------------------------------------------------------------------------------------------------


def test_an_edit_becomes_unsaved_and_arms_the_autosave(host: FakeHost) -> None:
    session = open_session(host)
    host.type("花火大会を開催します!")
    assert session.edited() is True
    assert session.dirty and host.autosave == [AUTOSAVE_MS]


@pytest.mark.parametrize(
    ("person", "state", "busy", "why"),
    [
        (OTHER_DRAFTER, DraftState.DRAFT, False, "another drafter's draft"),
        (AUTHOR, DraftState.PENDING, False, "submitted: the text is locked"),
        (AUTHOR, DraftState.DRAFT, True, "a step is under way"),
    ],
)
def test_an_edit_that_may_not_happen_is_not_an_unsaved_change(
    host: FakeHost, person: Person, state: DraftState, busy: bool, why: str
) -> None:
    session = open_session(host, person, make_draft(state=state))
    if busy:
        session.set_busy(True)
    assert session.edited() is False, why
    assert not session.dirty and host.autosave == []


def test_no_draft_means_nothing_to_edit_or_save(host: FakeHost) -> None:
    session = DraftSession(host, autosave_ms=AUTOSAVE_MS, retry_ms=RETRY_MS)
    session.me = AUTHOR
    done = Calls()
    assert session.edited() is False
    session.save(done)
    assert done.results == [True] and host.saves == []


def test_busy_counts_nested_steps(host: FakeHost) -> None:
    session = open_session(host)
    session.set_busy(True)
    session.set_busy(True)
    session.set_busy(False)
    assert session.busy and not session.editable()
    session.set_busy(False)
    session.set_busy(False)  # never below zero
    assert not session.busy and session.editable()


# -- saving -------------------------------------------------------------------------------------------------------


def test_nothing_to_save_succeeds_at_once(host: FakeHost) -> None:
    session = open_session(host)
    done = Calls()
    session.save(done)
    assert done.results == [True] and host.saves == [] and host.autosave == [None]


def test_a_save_stores_the_screen_against_the_shown_revision_then_calls_back(host: FakeHost) -> None:
    session = open_session(host)
    host.type("花火大会は中止です。")
    session.edited()
    done = Calls()
    session.save(done, manual=True)
    [request] = host.saves
    assert (request.draft_id, request.revision, request.content.text) == (1, 3, "花火大会は中止です。")
    assert done.results == [] and session.saving
    session.saved(request, stored(request))
    assert done.results == [True] and not session.dirty and not session.saving
    assert session.draft is not None and session.draft.revision == 4
    assert host.shown_saved == [(4, True)]


def test_the_manual_flag_is_for_the_save_it_was_given_to(host: FakeHost) -> None:
    session = open_session(host)
    for text, manual in (("一。", True), ("二。", False)):
        host.type(text)
        session.edited()
        session.save(manual=manual)
        session.saved(host.saves[-1], stored(host.saves[-1]))
    assert host.shown_saved == [(4, True), (5, False)]


def test_text_typed_during_a_save_is_stored_before_anyone_waiting_goes_on(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.save(done)
    host.type("一。二。")  # typed while the first save runs
    session.edited()
    first = host.saves[0]
    session.saved(first, stored(first))
    assert session.dirty and done.results == []  # not yet: the newer text is not stored
    second = host.saves[1]
    assert second.content.text == "一。二。" and second.revision == 4
    session.saved(second, stored(second))
    assert done.results == [True] and not session.dirty


def test_a_save_asked_for_while_one_runs_follows_it(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    session.save()
    host.type("一。二。")
    session.edited()
    session.save()  # folded: no second request while the first runs
    assert len(host.saves) == 1
    session.saved(host.saves[0], stored(host.saves[0]))
    assert [r.content.text for r in host.saves] == ["一。", "一。二。"]


def test_typing_after_a_save_without_waiters_rearms_the_autosave(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    session.save()
    host.type("一。二。")
    session.edited()
    host.autosave.clear()
    session.saved(host.saves[0], stored(host.saves[0]))
    assert session.dirty and len(host.saves) == 1 and host.autosave == [AUTOSAVE_MS]


def test_a_save_that_returns_after_another_draft_was_opened_changes_nothing_shown(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.save(done)
    request = host.saves[0]
    session.show(make_draft(draft_id=2, revision=7))
    session.saved(request, stored(request))
    assert done.results == [True]
    assert session.draft is not None and (session.draft.id, session.draft.revision) == (2, 7)
    assert host.shown_saved == []


# -- failures -----------------------------------------------------------------------------------------------------


def test_a_conflict_keeps_the_text_and_stops_saving_until_resolved(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.save(done)
    session.save_failed(host.saves[0], WorkflowError("別の画面で更新されています"))
    assert done.results == [False] and session.conflict and session.dirty
    assert host.shown_failed == [("別の画面で更新されています", True, True)]

    host.autosave.clear()
    host.type("一。二。")
    assert session.edited() is True and host.autosave == []  # no autosave into a conflict
    again = Calls()
    session.save(again)
    assert again.results == [False] and len(host.saves) == 1  # never overwrite the other change

    session.drop_edits()
    assert not session.conflict and not session.dirty


@pytest.mark.parametrize("waiting", [True, False])
def test_an_outage_is_retried_later_and_says_whether_someone_waits(host: FakeHost, waiting: bool) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.save(done if waiting else None)
    host.autosave.clear()
    session.save_failed(host.saves[0], UserError("データベースは使用中です"))
    assert host.autosave == [RETRY_MS] and not session.conflict and session.dirty
    assert host.shown_failed == [("データベースは使用中です", False, waiting)]
    assert done.results == ([False] if waiting else [])


# -- leaving the draft --------------------------------------------------------------------------------------------


def test_leaving_saves_first(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.leave(done)
    session.saved(host.saves[0], stored(host.saves[0]))
    assert done.results == [True] and host.copies == []


def test_leaving_a_conflicted_draft_keeps_the_text_as_a_copy(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    session.save()
    session.save_failed(host.saves[0], WorkflowError("別の画面で更新されています"))
    done = Calls()
    session.leave(done)
    assert host.copies == [done] and len(host.saves) == 1


def test_a_conflict_found_while_leaving_keeps_the_text_as_a_copy(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.leave(done)
    session.save_failed(host.saves[0], WorkflowError("別の画面で更新されています"))
    assert host.copies == [done] and done.results == []  # the copy's outcome answers the caller


def test_an_outage_while_leaving_reports_failure_and_makes_no_copy(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    done = Calls()
    session.leave(done)
    session.save_failed(host.saves[0], UserError("データベースに接続できません"))
    assert done.results == [False] and host.copies == []


def test_a_stored_change_of_images_keeps_the_unsaved_text(host: FakeHost) -> None:
    session = open_session(host)
    host.type("一。")
    session.edited()
    draft = session.draft
    assert draft is not None
    session.update_stored(dataclasses.replace(draft, attachment_count=2))
    assert session.dirty and session.draft is not None and session.draft.attachment_count == 2


# -- closing ------------------------------------------------------------------------------------------------------


def test_closing_waits_for_unsaved_text_or_queued_work_once(host: FakeHost) -> None:
    session = open_session(host)
    assert not session.must_wait_before_closing(work_pending=False)
    assert session.must_wait_before_closing(work_pending=True)
    host.type("一。")
    session.edited()
    assert session.must_wait_before_closing(work_pending=False)
    assert session.begin_close() is True
    assert session.begin_close() is False  # a second close while the first waits
    session.end_close(False)  # the user chose to stay
    assert session.must_wait_before_closing(work_pending=False) and session.begin_close() is True
    session.end_close(True)
    assert not session.must_wait_before_closing(work_pending=True)
