"""Who may do what with an incident, and what the checklist demands before it is closed.

第8条第1項 makes the account's manager (アカウント管理者) the one who acts on an impersonation or a
takeover and reports to the operations manager (運用管理者), who runs the city's accounts (第4条第1項):

| step | who |
|---|---|
| report (open) an incident | anyone on the staff, for a city account (so a drafter who notices it first records it) |
| see it | the operations manager (all); an account manager (the accounts they manage); whoever reported it |
| add a note or evidence, write a text from it | whoever may see it, while it is open |
| tick a step done, or decide it is not needed (不要, with a reason) | the account's manager or the operations manager |
| close it | the same, once every required step is done and every optional one decided |

A done step stays done; a step decided 不要 may still be done later (the later decision counts). A closed
incident is final: nothing is added to it any more. Each ``why_not_*`` returns the reason as a sentence
("" when allowed) for a greyed-out button; the functions that act raise :class:`IncidentError` with it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from ..accounts import Account, AccountStatus
from ..people import Person, Role
from .errors import IncidentError
from .model import Event, EventKind, Incident, IncidentKind, StepStatus

MAX_DESCRIPTION: Final = 4000
MAX_NOTE: Final = 4000
MAX_FOUND_BY: Final = 200
MAX_URL: Final = 2000
CLOCK_SKEW: Final = dt.timedelta(minutes=5)
"""How far in the future a "found at" may lie (another terminal's clock)."""

_NOT_CITY_ACCOUNTS: Final = (AccountStatus.REQUESTED, AccountStatus.REJECTED)
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def runs_account(person: Person, account_manager: str) -> bool:
    """The account's manager (in that role) or the operations manager."""
    if not person.active:
        return False
    if person.role is Role.OPERATIONS_MANAGER:
        return True
    return person.role is Role.ACCOUNT_MANAGER and bool(account_manager) and person.login == account_manager


def may_see(person: Person, incident: Incident) -> bool:
    return person.active and (runs_account(person, incident.account_manager) or person.login == incident.reported_by)


def why_not_see(person: Person, incident: Incident) -> str:
    if may_see(person, incident):
        return ""
    return (
        f"事案 {incident.id} を見られるのは、報告した人、アカウント「{incident.account_name}」の管理者と"
        "運用管理者だけです"
    )


def why_not_report(person: Person, account: Account) -> str:
    if not person.active:
        return f"「{person.login}」は無効にされているため、事案を報告できません"
    if account.status in _NOT_CITY_ACCOUNTS:
        return f"アカウント「{account.name}」は{account.status.label}で、市のアカウントではありません"
    return ""


def check_report(
    person: Person,
    account: Account,
    kind: IncidentKind,
    description: str,
    found_at: dt.datetime,
    found_by: str,
    now: dt.datetime,
) -> None:
    """What a new report must hold: a city account, a description, a time that is not in the future."""
    reason = why_not_report(person, account)
    if reason:
        raise IncidentError(reason)
    if not description.strip():
        raise IncidentError("何が起きたか(説明)を入力してください")
    if len(description.strip()) > MAX_DESCRIPTION:
        raise IncidentError(f"説明が長すぎます({MAX_DESCRIPTION} 文字まで。詳しい経過は記録として追加してください)")
    if len(found_by.strip()) > MAX_FOUND_BY:
        raise IncidentError(f"発見者が長すぎます({MAX_FOUND_BY} 文字まで)")
    if found_at.utcoffset() is None:
        raise ValueError("found_at must be timezone-aware")
    if found_at > now + CLOCK_SKEW:
        raise IncidentError("発見日時に未来の日時は指定できません")
    if not isinstance(kind, IncidentKind):  # pragma: no cover - typed callers
        raise IncidentError(f"事案の種類「{kind}」はありません")


def why_not_add(person: Person, incident: Incident) -> str:
    """Notes, evidence and generated texts: whoever may see the incident, while it is open."""
    seen = why_not_see(person, incident)
    if seen:
        return seen
    if not incident.is_open:
        return f"事案 {incident.id} は終了しています。終了した事案には追加できません"
    return ""


def _require(reason: str) -> None:
    if reason:
        raise IncidentError(reason)


def why_not_decide(person: Person, incident: Incident, step_id: str, *, not_needed: bool = False) -> str:
    """Why ``person`` may not mark the step done (or, with ``not_needed``, 不要)."""
    if not incident.is_open:
        return f"事案 {incident.id} は終了しています"
    if not runs_account(person, incident.account_manager):
        return (
            f"手順を記録できるのは、アカウント「{incident.account_name}」の管理者か運用管理者です"
            f"(あなたは{person.role.label})"
        )
    step = incident.step(step_id)
    if step is None:
        ids = "、".join(s.id for s in incident.steps)
        return f"事案 {incident.id} に手順「{step_id}」はありません(手順: {ids})"
    state = next(s for s in incident.states if s.step.id == step_id)
    if state.status is StepStatus.DONE:
        return f"手順「{step.title}」は {state.by} が済みにしています"
    if not_needed:
        if step.required:
            return f"手順「{step.title}」は必須のため、不要にはできません"
        if state.status is StepStatus.NOT_NEEDED:
            return f"手順「{step.title}」は {state.by} が不要と判断済みです"
    return ""


def decide(
    incident: Incident,
    person: Person,
    step_id: str,
    now: dt.datetime,
    *,
    not_needed_reason: str | None = None,
    note: str = "",
) -> Event:
    """The step done (``note``: what was done, optional) or, with ``not_needed_reason``, not needed."""
    not_needed = not_needed_reason is not None
    _require(why_not_decide(person, incident, step_id, not_needed=not_needed))
    if not_needed:
        reason = (not_needed_reason or "").strip()
        if not reason:
            raise IncidentError("不要と判断した理由を入力してください")
        if len(reason) > MAX_NOTE:
            raise IncidentError(f"理由が長すぎます({MAX_NOTE} 文字まで)")
        return Event(EventKind.STEP_NOT_NEEDED, person.login, now, step_id=step_id, text=reason)
    if len(note.strip()) > MAX_NOTE:
        raise IncidentError(f"記録が長すぎます({MAX_NOTE} 文字まで)")
    return Event(EventKind.STEP_DONE, person.login, now, step_id=step_id, text=note.strip())


def note(incident: Incident, person: Person, text: str, now: dt.datetime) -> Event:
    _require(why_not_add(person, incident))
    if not text.strip():
        raise IncidentError("記録する内容を入力してください")
    if len(text.strip()) > MAX_NOTE:
        raise IncidentError(f"記録が長すぎます({MAX_NOTE} 文字まで)")
    return Event(EventKind.NOTE, person.login, now, text=text.strip())


def check_url(url: str) -> str:
    """An evidence address: http(s), without spaces, at most 2,000 characters."""
    value = url.strip()
    if not _URL.match(value):
        raise IncidentError(f"URL「{value}」は http:// か https:// で始まるアドレスにしてください")
    if len(value) > MAX_URL:
        raise IncidentError(f"URL が長すぎます({MAX_URL} 文字まで)")
    return value


def why_not_close(person: Person, incident: Incident) -> str:
    if not incident.is_open:
        return f"事案 {incident.id} は終了しています"
    if not runs_account(person, incident.account_manager):
        return (
            f"事案を終了できるのは、アカウント「{incident.account_name}」の管理者か運用管理者です"
            f"(あなたは{person.role.label})"
        )
    blocking = incident.blocking
    if blocking:
        listed = "、".join(state.describe_open for state in blocking)
        return (
            f"次の手順が済んでいないため、事案 {incident.id} を終了できません: {listed}。"
            "必須の手順は済みに、それ以外は済みか不要(理由つき)にしてください"
        )
    return ""


def close(incident: Incident, person: Person, now: dt.datetime, summary: str = "") -> Event:
    _require(why_not_close(person, incident))
    if len(summary.strip()) > MAX_NOTE:
        raise IncidentError(f"記録が長すぎます({MAX_NOTE} 文字まで)")
    return Event(EventKind.CLOSED, person.login, now, text=summary.strip())
