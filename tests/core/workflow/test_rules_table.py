"""The draft approval rules (``sns_desk.core.workflow.rules``) as decision tables.

Every "who may" decision is tested over the full cross product of draft state, role and the
person's relation to the draft (author, editor, the account's manager, ...). Every refusal reason
of each step has its own table: inputs -> the Japanese message fragment, or the resulting draft.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from sns_desk.core.checker import Finding, Severity
from sns_desk.core.people import Person, Role
from sns_desk.core.workflow import (
    RIGHTS_CHECKLIST,
    Acknowledgement,
    Draft,
    DraftState,
    WorkflowError,
    acknowledge,
    approve,
    blocking_findings,
    can_approve,
    can_discard,
    can_edit,
    can_mark_posted,
    can_withdraw,
    confirm_rights,
    discard,
    fingerprint,
    mark_posted,
    reject,
    submit,
    unacknowledged_warnings,
    why_not_approve,
    why_not_discard,
    why_not_reject,
    why_not_submit,
    why_not_withdraw,
    withdraw,
)

CREATED = dt.datetime(2026, 11, 19, 0, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
POSTED_AT = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
TEXT = "山田さんが来庁しました。山田さんは明日も来ます。"
"""Two sentences with the same words, so that an acknowledgement can cover one and not the other."""
POST_URL = "https://x.com/hh_koho/status/1"


# --- builders ------------------------------------------------------------------------------------


class Rel(enum.Enum):
    """How the person acting relates to the draft and its account."""

    AUTHOR = "author"
    """Wrote the draft (and so is also among its editors)."""
    EDITOR = "editor"
    """Saved the text, but did not write the draft."""
    MANAGER = "manager"
    """The account's manager, who has not touched the draft."""
    AUTHOR_MANAGER = "author+manager"
    """Wrote the draft and is the account's manager."""
    EDITOR_MANAGER = "editor+manager"
    """The account's manager, who edited the text."""
    OTHER = "other"
    """Neither wrote nor edited it, and does not manage the account."""


RELS = tuple(Rel)
STATES = tuple(DraftState)
ROLES = tuple(Role)


def login_and_manager(rel: Rel) -> tuple[str, str]:
    """The acting person's login and the account manager's login for a relation."""
    return {
        Rel.AUTHOR: ("author", "kacho"),
        Rel.EDITOR: ("editor", "kacho"),
        Rel.MANAGER: ("kacho", "kacho"),
        Rel.AUTHOR_MANAGER: ("author", "author"),
        Rel.EDITOR_MANAGER: ("editor", "editor"),
        Rel.OTHER: ("other", "kacho"),
    }[rel]


def person(role: Role, rel: Rel = Rel.AUTHOR) -> Person:
    login, _ = login_and_manager(rel)
    return Person(login, f"{login} さん", role)


def manager_of(rel: Rel) -> str:
    return login_and_manager(rel)[1]


def make_draft(state: DraftState = DraftState.DRAFT, **changes: Any) -> Draft:
    """A draft written by ``author`` and also edited by ``editor``."""
    base = Draft(
        id=1,
        account_id=1,
        author="author",
        text=TEXT,
        state=state,
        platforms=("x",),
        created_at=CREATED,
        updated_at=CREATED,
        editors=("author", "editor"),
    )
    return dataclasses.replace(base, **changes)


def finding(severity: Severity, occurrence: int = 0, rule: str = "privacy.name") -> Finding:
    """A finding on 山田さん in the first (0) or second (1) sentence of :data:`TEXT`."""
    start = TEXT.index("山田さん")
    if occurrence:
        start = TEXT.index("山田さん", start + 1)
    return Finding(rule, "第7条第7号", severity, start, start + len("山田さん"), "個人名の可能性があります")


def ack(f: Finding, reason: str = "本人の了解を得ています") -> Acknowledgement:
    return Acknowledgement(fingerprint(f, TEXT), f.rule, reason, "author", CREATED)


ERROR = finding(Severity.ERROR, rule="secret.password")
WARNING = finding(Severity.WARNING)
WARNING_2ND = finding(Severity.WARNING, occurrence=1)
INFO = finding(Severity.INFO, rule="style.hint")

ALL_YES = {key: True for key, _ in RIGHTS_CHECKLIST}


def state_refusal(state: DraftState, action: str, allowed: str) -> str:
    return f"「{state.label}」の投稿案は{action}できません({allowed}のときだけできます)"


def ids(state: DraftState, role: Role, rel: Rel) -> str:
    return f"{state.value}-{role.value}-{rel.value}"


Y, N = True, False


# --- the "who may" predicates: full cross product ------------------------------------------------

#                           author editor manager author+mgr editor+mgr other
EDIT_WHO: dict[Role, tuple[bool, ...]] = {
    Role.DRAFTER: (Y, N, N, Y, N, N),
    Role.ACCOUNT_MANAGER: (Y, Y, Y, Y, Y, Y),
    Role.OPERATIONS_MANAGER: (Y, Y, Y, Y, Y, Y),
}
EDIT_STATES = {
    DraftState.DRAFT: Y,
    DraftState.PENDING: N,
    DraftState.APPROVED: N,
    DraftState.POSTED: N,
    DraftState.RETURNED: Y,
    DraftState.DISCARDED: N,
}

# Four eyes: nobody who wrote or edited the text approves it; an account manager only for their account.
#                           author editor manager author+mgr editor+mgr other
APPROVE_WHO: dict[Role, tuple[bool, ...]] = {
    Role.DRAFTER: (N, N, N, N, N, N),
    Role.ACCOUNT_MANAGER: (N, N, Y, N, N, N),
    Role.OPERATIONS_MANAGER: (N, N, Y, N, N, Y),
}

#                           author editor manager author+mgr editor+mgr other
POST_WHO: dict[Role, tuple[bool, ...]] = {
    Role.DRAFTER: (Y, N, N, Y, N, N),
    Role.ACCOUNT_MANAGER: (Y, Y, Y, Y, Y, Y),
    Role.OPERATIONS_MANAGER: (Y, Y, Y, Y, Y, Y),
}
POST_STATES = {
    DraftState.DRAFT: N,
    DraftState.PENDING: N,
    DraftState.APPROVED: Y,
    DraftState.POSTED: N,
    DraftState.RETURNED: N,
    DraftState.DISCARDED: N,
}


def cross(who: Mapping[Role, tuple[bool, ...]], states: Mapping[DraftState, bool] | None = None) -> list[Any]:
    """Rows (state, role, rel, expected) for every state x role x relation."""
    return [
        pytest.param(
            state,
            role,
            rel,
            who[role][RELS.index(rel)] and (states is None or states[state]),
            id=ids(state, role, rel),
        )
        for state in STATES
        for role in ROLES
        for rel in RELS
    ]


def test_the_tables_cover_every_state_role_and_relation() -> None:
    assert set(EDIT_STATES) == set(POST_STATES) == set(DraftState)
    for table in (EDIT_WHO, APPROVE_WHO, POST_WHO):
        assert set(table) == set(Role)
        assert all(len(row) == len(Rel) for row in table.values())


@pytest.mark.parametrize(("state", "role", "rel", "expected"), cross(EDIT_WHO, EDIT_STATES))
def test_can_edit(state: DraftState, role: Role, rel: Rel, expected: bool) -> None:
    assert can_edit(make_draft(state), person(role, rel)) is expected


@pytest.mark.parametrize(("state", "role", "rel", "expected"), cross(APPROVE_WHO))
def test_can_approve_is_about_people_only(state: DraftState, role: Role, rel: Rel, expected: bool) -> None:
    """can_approve does not look at the state: the step itself (and the GUI) checks 承認待ち."""
    assert can_approve(make_draft(state), person(role, rel), manager_of(rel)) is expected


@pytest.mark.parametrize(("state", "role", "rel", "expected"), cross(POST_WHO, POST_STATES))
def test_can_mark_posted(state: DraftState, role: Role, rel: Rel, expected: bool) -> None:
    assert can_mark_posted(make_draft(state), person(role, rel)) is expected


@pytest.mark.parametrize(
    ("role", "account_manager", "expected"),
    [
        pytest.param(Role.ACCOUNT_MANAGER, "kacho", True, id="manager-of-this-account"),
        pytest.param(Role.ACCOUNT_MANAGER, "bucho", False, id="manager-of-another-account"),
        pytest.param(Role.ACCOUNT_MANAGER, "", False, id="account-without-manager"),
        pytest.param(Role.OPERATIONS_MANAGER, "", True, id="operations-manager-without-account-manager"),
        pytest.param(Role.DRAFTER, "kacho", False, id="drafter-named-as-manager"),
    ],
)
def test_can_approve_depends_on_the_accounts_manager(role: Role, account_manager: str, expected: bool) -> None:
    assert can_approve(make_draft(DraftState.PENDING), Person("kacho", "課長", role), account_manager) is expected


@pytest.mark.parametrize(
    ("editors", "expected"),
    [
        pytest.param((), True, id="nobody-edited"),
        pytest.param(("author",), True, id="only-the-author-edited"),
        pytest.param(("author", "kacho"), False, id="the-manager-edited"),
        pytest.param(("kacho",), False, id="only-the-manager-edited"),
    ],
)
def test_can_approve_four_eyes_on_editors(editors: tuple[str, ...], expected: bool) -> None:
    draft = make_draft(DraftState.PENDING, editors=editors)
    assert can_approve(draft, Person("kacho", "課長", Role.ACCOUNT_MANAGER), "kacho") is expected


# --- finding helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("findings", "acks", "blocking", "open_warnings"),
    [
        pytest.param((), (), [], [], id="nothing"),
        pytest.param((ERROR,), (), [ERROR], [], id="error-blocks"),
        pytest.param((INFO,), (), [], [], id="info-never-blocks"),
        pytest.param((WARNING,), (), [], [WARNING], id="open-warning"),
        pytest.param((WARNING,), (WARNING,), [], [], id="acknowledged-warning"),
        pytest.param((WARNING_2ND,), (WARNING,), [], [WARNING_2ND], id="same-words-other-sentence"),
        pytest.param((WARNING, WARNING_2ND), (WARNING, WARNING_2ND), [], [], id="both-sentences-acknowledged"),
        pytest.param((ERROR, WARNING, INFO), (), [ERROR], [WARNING], id="mixed"),
        pytest.param((ERROR,), (ERROR,), [ERROR], [], id="acknowledgement-does-not-unblock-an-error"),
    ],
)
def test_blocking_and_unacknowledged(
    findings: Sequence[Finding],
    acks: Sequence[Finding],
    blocking: list[Finding],
    open_warnings: list[Finding],
) -> None:
    draft = make_draft(acknowledgements=tuple(ack(f) for f in acks))
    assert blocking_findings(findings) == blocking
    assert unacknowledged_warnings(draft, findings) == open_warnings


# --- acknowledge ---------------------------------------------------------------------------------

NO_EDIT = "この投稿案を編集する権限がありません"


def edit_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    return None if EDIT_STATES[state] and EDIT_WHO[role][RELS.index(rel)] else NO_EDIT


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(state, role, rel, edit_refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_acknowledge_who(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state)
    who = person(role, rel)
    if expected is None:
        result = acknowledge(draft, WARNING, who, "本人の了解を得ています", NOW)
        assert result.acknowledgements == (
            Acknowledgement(fingerprint(WARNING, TEXT), "privacy.name", "本人の了解を得ています", who.login, NOW),
        )
        assert result.state is state
    else:
        with pytest.raises(WorkflowError) as refused:
            acknowledge(draft, WARNING, who, "本人の了解を得ています", NOW)
        assert expected in str(refused.value)


@pytest.mark.parametrize(
    ("state", "f", "reason", "who", "expected"),
    [
        pytest.param(DraftState.DRAFT, WARNING, "本人の了解済み", Rel.AUTHOR, None, id="warning-with-reason"),
        pytest.param(DraftState.RETURNED, WARNING, "本人の了解済み", Rel.AUTHOR, None, id="returned-draft"),
        pytest.param(DraftState.DRAFT, INFO, "ヒントは不要", Rel.AUTHOR, None, id="info-can-be-acknowledged"),
        pytest.param(
            DraftState.DRAFT, ERROR, "どうしても", Rel.AUTHOR, "エラーは確認済みにできません", id="error-refused"
        ),
        pytest.param(DraftState.DRAFT, WARNING, "", Rel.AUTHOR, "確認済みにする理由を書いてください", id="no-reason"),
        pytest.param(
            DraftState.DRAFT, WARNING, " \u3000\n", Rel.AUTHOR, "確認済みにする理由を書いてください", id="blank-reason"
        ),
        pytest.param(
            DraftState.DRAFT, ERROR, "", Rel.AUTHOR, "エラーは確認済みにできません", id="error-checked-before-reason"
        ),
        pytest.param(DraftState.DRAFT, WARNING, "", Rel.OTHER, "確認済みにする理由", id="reason-checked-before-who"),
        pytest.param(DraftState.PENDING, ERROR, "x", Rel.OTHER, "エラーは確認済み", id="error-checked-before-who"),
        pytest.param(DraftState.DRAFT, WARNING, "了解済み", Rel.OTHER, NO_EDIT, id="other-drafter"),
        pytest.param(DraftState.PENDING, WARNING, "了解済み", Rel.AUTHOR, NO_EDIT, id="author-after-submission"),
    ],
)
def test_acknowledge_inputs(state: DraftState, f: Finding, reason: str, who: Rel, expected: str | None) -> None:
    draft = make_draft(state)
    drafter = person(Role.DRAFTER, who)
    if expected is None:
        result = acknowledge(draft, f, drafter, reason, NOW)
        (recorded,) = result.acknowledgements
        assert recorded == Acknowledgement(fingerprint(f, TEXT), f.rule, reason.strip(), drafter.login, NOW)
        assert dataclasses.replace(result, acknowledgements=()) == draft
    else:
        with pytest.raises(WorkflowError) as refused:
            acknowledge(draft, f, drafter, reason, NOW)
        assert expected in str(refused.value)


@pytest.mark.parametrize(
    ("before", "f", "expected_reasons"),
    [
        pytest.param((), WARNING, ("新しい理由",), id="first"),
        pytest.param((WARNING,), WARNING, ("新しい理由",), id="replaces-the-same-warning"),
        pytest.param((WARNING,), WARNING_2ND, ("古い理由", "新しい理由"), id="other-sentence-is-kept"),
        pytest.param((WARNING, WARNING_2ND), WARNING, ("古い理由", "新しい理由"), id="replaced-one-moves-last"),
    ],
)
def test_acknowledge_keeps_one_per_warning(
    before: Sequence[Finding], f: Finding, expected_reasons: tuple[str, ...]
) -> None:
    draft = make_draft(acknowledgements=tuple(ack(x, "古い理由") for x in before))
    result = acknowledge(draft, f, person(Role.DRAFTER), "  新しい理由  ", NOW)
    assert tuple(a.reason for a in result.acknowledgements) == expected_reasons
    assert result.acknowledgements[-1].fingerprint == fingerprint(f, TEXT)
    assert len({a.fingerprint for a in result.acknowledgements}) == len(result.acknowledgements)


# --- submit --------------------------------------------------------------------------------------

NO_SUBMIT = "この投稿案を承認申請する権限がありません"


def submit_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    if not EDIT_STATES[state]:
        return state_refusal(state, "承認申請", "下書き・差戻し")
    return None if EDIT_WHO[role][RELS.index(rel)] else NO_SUBMIT


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(state, role, rel, submit_refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_submit_who_and_when(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state, review_comment="前回のコメント", reviewed_by="kacho")
    if expected is None:
        result = submit(draft, (), person(role, rel), NOW)
        assert result == dataclasses.replace(
            draft, state=DraftState.PENDING, updated_at=NOW, review_comment="", reviewed_by=""
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            submit(draft, (), person(role, rel), NOW)
        assert expected in str(refused.value)


RIGHTS = "画像が添付されています。肖像権・著作権などのチェックリストに答えてから承認申請してください"


@pytest.mark.parametrize(
    ("changes", "findings", "expected"),
    [
        pytest.param({}, (), None, id="clean"),
        pytest.param({}, (INFO,), None, id="info-only"),
        pytest.param({"text": ""}, (), "本文が空です", id="empty-text"),
        pytest.param({"text": " \u3000\n"}, (), "本文が空です", id="blank-text"),
        pytest.param({"attachment_count": 1}, (), RIGHTS, id="image-without-checklist"),
        pytest.param({"attachment_count": 3, "rights_checked_by": "author"}, (), None, id="image-with-checklist"),
        pytest.param({"attachment_count": 0, "rights_checked_by": ""}, (), None, id="no-image-no-checklist"),
        pytest.param({}, (ERROR,), "エラーが 1 件あるため承認申請できません", id="one-error"),
        pytest.param({}, (ERROR, ERROR, WARNING), "エラーが 2 件ある", id="errors-before-warnings"),
        pytest.param(
            {"acknowledgements": (ack(ERROR),)}, (ERROR,), "エラーが 1 件", id="acknowledged-error-still-blocks"
        ),
        pytest.param({}, (WARNING,), "確認していない警告が 1 件あります", id="open-warning"),
        pytest.param({}, (WARNING, WARNING_2ND), "確認していない警告が 2 件あります", id="two-open-warnings"),
        pytest.param({"acknowledgements": (ack(WARNING),)}, (WARNING,), None, id="acknowledged-warning"),
        pytest.param(
            {"acknowledgements": (ack(WARNING),)},
            (WARNING, WARNING_2ND),
            "確認していない警告が 1 件",
            id="same-words-in-a-new-sentence",
        ),
        pytest.param({"text": "", "attachment_count": 1}, (ERROR,), "本文が空です", id="empty-text-first"),
        pytest.param({"attachment_count": 1}, (ERROR, WARNING), RIGHTS, id="checklist-before-errors"),
    ],
)
def test_submit_refusal_reasons(changes: dict[str, Any], findings: Sequence[Finding], expected: str | None) -> None:
    draft = make_draft(DraftState.DRAFT, **changes)
    if expected is None:
        result = submit(draft, findings, person(Role.DRAFTER), NOW)
        assert result.state is DraftState.PENDING
        assert result.updated_at == NOW
        assert result.acknowledgements == draft.acknowledgements
    else:
        with pytest.raises(WorkflowError) as refused:
            submit(draft, findings, person(Role.DRAFTER), NOW)
        assert expected in str(refused.value)


# --- confirm_rights ------------------------------------------------------------------------------

QUESTIONS = dict(RIGHTS_CHECKLIST)


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(state, role, rel, edit_refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_confirm_rights_who(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state, attachment_count=1)
    who = person(role, rel)
    if expected is None:
        result = confirm_rights(draft, who, ALL_YES, NOW)
        assert result == dataclasses.replace(draft, rights_checked_by=who.login, rights_checked_at=NOW)
    else:
        with pytest.raises(WorkflowError) as refused:
            confirm_rights(draft, who, ALL_YES, NOW)
        assert expected in str(refused.value)


def test_the_checklist_asks_the_four_article_6_questions() -> None:
    assert tuple(QUESTIONS) == ("portrait", "copyright", "privacy", "metadata")


@pytest.mark.parametrize(
    ("answers", "expected_question"),
    [
        pytest.param(ALL_YES, None, id="all-yes"),
        pytest.param({**ALL_YES, "extra": False}, None, id="unknown-keys-ignored"),
        pytest.param({**ALL_YES, "portrait": False}, "portrait", id="portrait-no"),
        pytest.param({**ALL_YES, "copyright": False}, "copyright", id="copyright-no"),
        pytest.param({**ALL_YES, "privacy": False}, "privacy", id="privacy-no"),
        pytest.param({**ALL_YES, "metadata": False}, "metadata", id="metadata-no"),
        pytest.param({k: v for k, v in ALL_YES.items() if k != "privacy"}, "privacy", id="privacy-unanswered"),
        pytest.param({}, "portrait", id="nothing-answered-names-the-first"),
        pytest.param({**ALL_YES, "copyright": False, "metadata": False}, "copyright", id="first-no-is-named"),
    ],
)
def test_confirm_rights_answers(answers: dict[str, bool], expected_question: str | None) -> None:
    draft = make_draft(attachment_count=2)
    if expected_question is None:
        result = confirm_rights(draft, person(Role.DRAFTER), answers, NOW)
        assert (result.rights_checked_by, result.rights_checked_at) == ("author", NOW)
        assert submit(result, (), person(Role.DRAFTER), NOW).state is DraftState.PENDING
    else:
        with pytest.raises(WorkflowError) as refused:
            confirm_rights(draft, person(Role.DRAFTER), answers, NOW)
        assert str(refused.value) == (
            f"チェックリストに「はい」と答えられない項目があります: {QUESTIONS[expected_question]}"
        )


def test_confirm_rights_checks_who_before_the_answers() -> None:
    with pytest.raises(WorkflowError, match=NO_EDIT):
        confirm_rights(make_draft(), person(Role.DRAFTER, Rel.OTHER), {}, NOW)


# --- approve -------------------------------------------------------------------------------------

OWN = "自分が作成した投稿案は承認できません。アカウント管理者に承認を依頼してください"
EDITED = "自分が本文を編集した投稿案は承認できません。別の管理者に承認を依頼してください"
NOT_APPROVER = "この投稿案を承認できるのは、アカウント管理者または運用管理者です"

#                    author editor  manager author+mgr editor+mgr other
APPROVE_REFUSAL: dict[Role, tuple[str | None, ...]] = {
    Role.DRAFTER: (OWN, EDITED, NOT_APPROVER, OWN, EDITED, NOT_APPROVER),
    Role.ACCOUNT_MANAGER: (OWN, EDITED, None, OWN, EDITED, NOT_APPROVER),
    Role.OPERATIONS_MANAGER: (OWN, EDITED, None, OWN, EDITED, None),
}


def approve_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    if state is not DraftState.PENDING:
        return state_refusal(state, "承認", "承認待ち")
    return APPROVE_REFUSAL[role][RELS.index(rel)]


def test_approve_refusals_agree_with_can_approve() -> None:
    for role in ROLES:
        allowed = tuple(message is None for message in APPROVE_REFUSAL[role])
        assert allowed == APPROVE_WHO[role]


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(state, role, rel, approve_refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_approve_who_and_when(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state)
    who = person(role, rel)
    if expected is None:
        result = approve(draft, who, manager_of(rel), NOW)
        assert result == dataclasses.replace(draft, state=DraftState.APPROVED, updated_at=NOW, reviewed_by=who.login)
    else:
        with pytest.raises(WorkflowError) as refused:
            approve(draft, who, manager_of(rel), NOW)
        assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("role", "rel", "findings", "expected"),
    [
        pytest.param(Role.ACCOUNT_MANAGER, Rel.MANAGER, (), None, id="no-findings"),
        pytest.param(Role.ACCOUNT_MANAGER, Rel.MANAGER, (WARNING, INFO), None, id="warnings-do-not-block"),
        pytest.param(
            Role.ACCOUNT_MANAGER,
            Rel.MANAGER,
            (ERROR,),
            "本文にエラーが 1 件あるため承認できません。差し戻してください",
            id="error-since-submission",
        ),
        pytest.param(Role.OPERATIONS_MANAGER, Rel.OTHER, (ERROR, ERROR), "本文にエラーが 2 件", id="two-errors"),
        pytest.param(Role.OPERATIONS_MANAGER, Rel.AUTHOR, (ERROR,), OWN, id="author-before-errors"),
        pytest.param(Role.ACCOUNT_MANAGER, Rel.EDITOR_MANAGER, (ERROR,), EDITED, id="editor-before-errors"),
        # The error count is reported even to someone who may not approve at all (see the report).
        pytest.param(Role.DRAFTER, Rel.OTHER, (ERROR,), "本文にエラーが 1 件", id="errors-before-permission"),
        pytest.param(Role.DRAFTER, Rel.OTHER, (WARNING,), NOT_APPROVER, id="drafter-without-errors"),
    ],
)
def test_approve_with_findings(role: Role, rel: Rel, findings: Sequence[Finding], expected: str | None) -> None:
    draft = make_draft(DraftState.PENDING)
    who = person(role, rel)
    if expected is None:
        assert approve(draft, who, manager_of(rel), NOW, findings).state is DraftState.APPROVED
    else:
        with pytest.raises(WorkflowError) as refused:
            approve(draft, who, manager_of(rel), NOW, findings)
        assert expected in str(refused.value)


def test_approve_keeps_the_previous_review_comment() -> None:
    draft = make_draft(DraftState.PENDING, review_comment="", reviewed_by="")
    result = approve(draft, person(Role.ACCOUNT_MANAGER, Rel.MANAGER), "kacho", NOW)
    assert (result.state, result.reviewed_by, result.review_comment) == (DraftState.APPROVED, "kacho", "")


# --- reject --------------------------------------------------------------------------------------

NOT_REJECTER = "この投稿案を差し戻せるのは、アカウント管理者または運用管理者です"


def reject_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    if state is not DraftState.PENDING:
        return state_refusal(state, "差戻し", "承認待ち")
    return None if APPROVE_WHO[role][RELS.index(rel)] else NOT_REJECTER


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(state, role, rel, reject_refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_reject_who_and_when(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state)
    who = person(role, rel)
    if expected is None:
        result = reject(draft, who, manager_of(rel), "日付を確認してください", NOW)
        assert result == dataclasses.replace(
            draft,
            state=DraftState.RETURNED,
            updated_at=NOW,
            review_comment="日付を確認してください",
            reviewed_by=who.login,
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            reject(draft, who, manager_of(rel), "日付を確認してください", NOW)
        assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("rel", "comment", "expected"),
    [
        pytest.param(Rel.MANAGER, "日付を確認してください", None, id="comment"),
        pytest.param(Rel.MANAGER, "  日付を確認してください\n", None, id="comment-is-stripped"),
        pytest.param(Rel.MANAGER, "", "差戻しの理由(コメント)を書いてください", id="empty-comment"),
        pytest.param(Rel.MANAGER, " \u3000\n", "差戻しの理由(コメント)を書いてください", id="blank-comment"),
        pytest.param(Rel.OTHER, "", NOT_REJECTER, id="permission-before-comment"),
        pytest.param(Rel.AUTHOR_MANAGER, "直してください", NOT_REJECTER, id="author-cannot-reject-own-draft"),
    ],
)
def test_reject_comment(rel: Rel, comment: str, expected: str | None) -> None:
    draft = make_draft(DraftState.PENDING)
    who = person(Role.ACCOUNT_MANAGER, rel)
    if expected is None:
        result = reject(draft, who, manager_of(rel), comment, NOW)
        assert (result.state, result.review_comment) == (DraftState.RETURNED, "日付を確認してください")
        # The returned draft goes back to the drafter, who may edit and submit it again.
        assert can_edit(result, person(Role.DRAFTER))
        resubmitted = submit(result, (), person(Role.DRAFTER), NOW)
        assert (resubmitted.state, resubmitted.review_comment, resubmitted.reviewed_by) == (DraftState.PENDING, "", "")
    else:
        with pytest.raises(WorkflowError) as refused:
            reject(draft, who, manager_of(rel), comment, NOW)
        assert str(refused.value) == expected


# --- mark_posted ---------------------------------------------------------------------------------

NO_POST = "投稿済みにできるのは、作成者または管理者です"


def post_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    if not POST_STATES[state]:
        return state_refusal(state, "投稿済みに", "承認済み")
    return None if POST_WHO[role][RELS.index(rel)] else NO_POST


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(state, role, rel, post_refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_mark_posted_who_and_when(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state)
    who = person(role, rel)
    if expected is None:
        result = mark_posted(draft, who, POST_URL, POSTED_AT, NOW)
        assert result == dataclasses.replace(
            draft, state=DraftState.POSTED, updated_at=NOW, posted_url=POST_URL, posted_at=POSTED_AT
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            mark_posted(draft, who, POST_URL, POSTED_AT, NOW)
        assert str(refused.value) == expected


BAD_URL = "投稿の URL を https:// から入力してください"
NO_TZ = "投稿日時にはタイムゾーンが必要です"
NAIVE = dt.datetime(2026, 11, 20, 10, 0)


@pytest.mark.parametrize(
    ("url", "posted_at", "expected_url", "expected"),
    [
        pytest.param(POST_URL, POSTED_AT, POST_URL, None, id="https"),
        pytest.param("http://example.jp/p/1", POSTED_AT, "http://example.jp/p/1", None, id="http"),
        pytest.param(f"  {POST_URL}\n", POSTED_AT, POST_URL, None, id="stripped"),
        pytest.param("HTTPS://X.COM/hh_koho/1", POSTED_AT, "HTTPS://X.COM/hh_koho/1", None, id="upper-case-scheme"),
        pytest.param(POST_URL, NOW, POST_URL, None, id="utc-time"),
        pytest.param(POST_URL, NOW + dt.timedelta(days=30), POST_URL, None, id="future-time-accepted"),
        pytest.param("", POSTED_AT, "", BAD_URL, id="empty"),
        pytest.param("   ", POSTED_AT, "", BAD_URL, id="blank"),
        pytest.param("x.com/hh_koho/status/1", POSTED_AT, "", BAD_URL, id="no-scheme"),
        pytest.param("ftp://x.com/1", POSTED_AT, "", BAD_URL, id="ftp"),
        pytest.param("javascript:alert(1)", POSTED_AT, "", BAD_URL, id="javascript"),
        pytest.param("mailto:koho@city.example.jp", POSTED_AT, "", BAD_URL, id="mailto"),
        pytest.param("file:///C:/post.txt", POSTED_AT, "", BAD_URL, id="file"),
        pytest.param("https://", POSTED_AT, "", BAD_URL, id="no-host"),
        pytest.param("https:///status/1", POSTED_AT, "", BAD_URL, id="empty-host"),
        pytest.param(POST_URL, NAIVE, "", NO_TZ, id="naive-time"),
        pytest.param("ftp://x.com/1", NAIVE, "", BAD_URL, id="url-checked-before-time"),
    ],
)
def test_mark_posted_inputs(url: str, posted_at: dt.datetime, expected_url: str, expected: str | None) -> None:
    draft = make_draft(DraftState.APPROVED)
    if expected is None:
        result = mark_posted(draft, person(Role.DRAFTER), url, posted_at, NOW)
        assert (result.state, result.posted_url, result.posted_at) == (DraftState.POSTED, expected_url, posted_at)
    else:
        with pytest.raises(WorkflowError) as refused:
            mark_posted(draft, person(Role.DRAFTER), url, posted_at, NOW)
        assert str(refused.value) == expected


def test_mark_posted_checks_who_before_the_url() -> None:
    with pytest.raises(WorkflowError) as refused:
        mark_posted(make_draft(DraftState.APPROVED), person(Role.DRAFTER, Rel.OTHER), "ftp://x", NAIVE, NOW)
    assert str(refused.value) == NO_POST


# --- the whole path ------------------------------------------------------------------------------


def test_one_draft_from_writing_to_posting() -> None:
    drafter, kacho = person(Role.DRAFTER), person(Role.ACCOUNT_MANAGER, Rel.MANAGER)
    draft = make_draft(DraftState.DRAFT, editors=("author",), attachment_count=1)
    draft = acknowledge(draft, WARNING, drafter, "本人の了解を得ています", NOW)
    draft = confirm_rights(draft, drafter, ALL_YES, NOW)
    draft = submit(draft, (WARNING,), drafter, NOW)
    assert not can_edit(draft, drafter)
    draft = reject(draft, kacho, "kacho", "写真を差し替えてください", NOW)
    draft = submit(draft, (WARNING,), drafter, NOW)
    draft = approve(draft, kacho, "kacho", NOW, (WARNING,))
    draft = mark_posted(draft, drafter, POST_URL, POSTED_AT, NOW)
    assert (draft.state, draft.reviewed_by, draft.posted_url) == (DraftState.POSTED, "kacho", POST_URL)
    assert not (can_edit(draft, drafter) or can_mark_posted(draft, drafter))


# --- withdraw (取り下げ) and discard (破棄) ---------------------------------------------------------

NO_WITHDRAW_STATE = "取り下げられるのは承認待ちか承認済み(まだ投稿していない)の投稿案だけです"
NO_WITHDRAW_WHO = "承認申請を取り下げられるのは作成者だけです"
WITHDRAW_STATES = {s: s in (DraftState.PENDING, DraftState.APPROVED) for s in DraftState}
#                         author editor manager author+mgr editor+mgr other
WITHDRAW_WHO = (Y, N, N, Y, N, N)  # the author only, whatever their role

NO_DISCARD_STATE = "破棄できるのは下書きと差戻しの投稿案だけです(承認待ち・承認済みは先に取り下げてください)"
NO_DISCARD_WHO = "破棄できるのは作成者か管理者です"
DISCARD_STATES = {s: s in (DraftState.DRAFT, DraftState.RETURNED) for s in DraftState}


def withdraw_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    if not WITHDRAW_STATES[state]:
        return NO_WITHDRAW_STATE
    return None if WITHDRAW_WHO[RELS.index(rel)] else NO_WITHDRAW_WHO


def discard_refusal(state: DraftState, role: Role, rel: Rel) -> str | None:
    if not DISCARD_STATES[state]:
        return NO_DISCARD_STATE
    return None if EDIT_WHO[role][RELS.index(rel)] else NO_DISCARD_WHO


def every(refusal: Any) -> list[Any]:
    return [
        pytest.param(state, role, rel, refusal(state, role, rel), id=ids(state, role, rel))
        for state in STATES
        for role in ROLES
        for rel in RELS
    ]


@pytest.mark.parametrize(("state", "role", "rel", "expected"), every(withdraw_refusal))
def test_withdraw_who_and_when(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state, reviewed_by="kacho" if state is DraftState.APPROVED else "")
    who = person(role, rel)
    assert why_not_withdraw(draft, who) == expected
    assert can_withdraw(draft, who) is (expected is None)
    if expected is None:
        result = withdraw(draft, who, NOW)
        # The approval was for this text: taken back, it must be approved again.
        assert result == dataclasses.replace(draft, state=DraftState.DRAFT, updated_at=NOW, reviewed_by="")
        assert can_edit(result, who)
    else:
        with pytest.raises(WorkflowError) as refused:
            withdraw(draft, who, NOW)
        assert str(refused.value) == expected


@pytest.mark.parametrize(("state", "role", "rel", "expected"), every(discard_refusal))
def test_discard_who_and_when(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    draft = make_draft(state)
    who = person(role, rel)
    assert why_not_discard(draft, who) == expected
    assert can_discard(draft, who) is (expected is None)
    if expected is None:
        result = discard(draft, who, NOW)
        assert result == dataclasses.replace(draft, state=DraftState.DISCARDED, updated_at=NOW)
    else:
        with pytest.raises(WorkflowError) as refused:
            discard(draft, who, NOW)
        assert str(refused.value) == expected


def test_a_discarded_draft_is_final() -> None:
    author, ops = person(Role.DRAFTER), person(Role.OPERATIONS_MANAGER, Rel.OTHER)
    gone = discard(make_draft(DraftState.DRAFT), author, NOW)
    assert not gone.editable
    for who in (author, ops):
        assert not (can_edit(gone, who) or can_withdraw(gone, who) or can_discard(gone, who))
        assert not can_mark_posted(gone, who)
    with pytest.raises(WorkflowError, match="承認申請できません"):
        submit(gone, (), author, NOW)
    with pytest.raises(WorkflowError, match="編集する権限"):
        acknowledge(gone, WARNING, author, "了解済み", NOW)


@pytest.mark.parametrize(
    ("state", "role", "rel", "expected"),
    [
        pytest.param(
            state,
            role,
            rel,
            (
                "承認できるのは承認待ちの投稿案だけです"
                if state is not DraftState.PENDING
                else "自分が書いた投稿案は承認できません"
                if rel in (Rel.AUTHOR, Rel.AUTHOR_MANAGER)
                else "自分が本文を編集した投稿案は承認できません"
                if rel in (Rel.EDITOR, Rel.EDITOR_MANAGER)
                else None
                if APPROVE_WHO[role][RELS.index(rel)]
                else "この投稿案を承認できるのは、このアカウントのアカウント管理者か運用管理者です"
            ),
            id=ids(state, role, rel),
        )
        for state in STATES
        for role in ROLES
        for rel in RELS
    ],
)
def test_why_not_approve_explains_every_disabled_button(
    state: DraftState, role: Role, rel: Rel, expected: str | None
) -> None:
    draft = make_draft(state)
    who = person(role, rel)
    assert why_not_approve(draft, who, manager_of(rel)) == expected
    if state is DraftState.PENDING:
        assert (expected is None) is can_approve(draft, who, manager_of(rel))


@pytest.mark.parametrize(("state", "role", "rel", "expected"), every(submit_refusal))
def test_why_not_submit_agrees_with_submit(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    """The disabled 承認申請 button says why in the words of the rule that would refuse it."""
    reason = why_not_submit(make_draft(state), person(role, rel))
    if expected is None:
        assert reason is None
    elif EDIT_STATES[state]:
        assert reason == "この投稿案を承認申請する権限がありません(作成者か管理者が申請します)"
    else:
        assert reason == "承認申請できるのは下書きか差戻しの投稿案だけです"


@pytest.mark.parametrize(("state", "role", "rel", "expected"), every(reject_refusal))
def test_why_not_reject_agrees_with_reject(state: DraftState, role: Role, rel: Rel, expected: str | None) -> None:
    who = person(role, rel)
    reason = why_not_reject(make_draft(state), who, manager_of(rel))
    assert (reason is None) is (expected is None)
    if state is not DraftState.PENDING:
        assert reason == "差し戻せるのは承認待ちの投稿案だけです"
    elif rel in (Rel.AUTHOR, Rel.AUTHOR_MANAGER):
        assert reason == "自分が書いた投稿案は差し戻せません"
    elif rel in (Rel.EDITOR, Rel.EDITOR_MANAGER):
        assert reason == "自分が本文を編集した投稿案は差し戻せません"
    elif expected is not None:
        assert reason == "この投稿案を差し戻せるのは、このアカウントのアカウント管理者か運用管理者です"
