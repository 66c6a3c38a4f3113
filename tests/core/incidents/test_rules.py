"""Who may do what with an incident (第8条第1項: the account's manager acts, the operations manager is told),
and that nothing is closed while a required step is open or an optional one undecided."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.incidents import (
    Event,
    EventKind,
    Incident,
    IncidentError,
    IncidentKind,
    IncidentStatus,
    StepStatus,
    rules,
)
from sns_desk.core.people import Person, Role

from .conftest import FOUND, NOW

OPS = Person("tanaka", "田中", Role.OPERATIONS_MANAGER)
KACHO = Person("kacho", "課長", Role.ACCOUNT_MANAGER)
OTHER_KACHO = Person("bucho", "別の課長", Role.ACCOUNT_MANAGER)
SUZUKI = Person("suzuki", "鈴木", Role.DRAFTER)
SATO = Person("sato", "佐藤", Role.DRAFTER)
Maker = Callable[..., Incident]


def _done(incident: Incident, step_id: str, by: Person = KACHO) -> Incident:
    event = rules.decide(incident, by, step_id, NOW)
    return dataclasses.replace(incident, events=(*incident.events, event))


def _not_needed(incident: Incident, step_id: str, reason: str = "広がっていないため") -> Incident:
    event = rules.decide(incident, KACHO, step_id, NOW, not_needed_reason=reason)
    return dataclasses.replace(incident, events=(*incident.events, event))


def test_who_sees_an_incident(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.IMPERSONATION)
    assert [rules.may_see(p, incident) for p in (OPS, KACHO, SUZUKI, OTHER_KACHO, SATO)] == [
        True, True, True, False, False,
    ]  # fmt: skip
    assert "報告した人、アカウント「@hh_koho」の管理者と運用管理者だけ" in rules.why_not_see(SATO, incident)
    gone = dataclasses.replace(OPS, active=False)
    assert not rules.may_see(gone, incident)


def test_a_drafter_reports_and_adds_notes_but_only_managers_run_the_checklist(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.IMPERSONATION)
    note = rules.note(incident, SUZUKI, "  偽アカウントのフォロワーが増えている  ", NOW)
    assert (note.action, note.by, note.text) == (EventKind.NOTE, "suzuki", "偽アカウントのフォロワーが増えている")
    with pytest.raises(IncidentError, match="報告した人"):
        rules.note(incident, SATO, "見ました", NOW)
    with pytest.raises(IncidentError, match=r"「@hh_koho」の管理者か運用管理者です\(あなたは起案者\)"):
        rules.decide(incident, SUZUKI, "report", NOW)
    with pytest.raises(IncidentError, match="管理者か運用管理者"):
        rules.decide(incident, OTHER_KACHO, "report", NOW)
    assert rules.why_not_decide(OPS, incident, "report") == ""
    assert rules.why_not_decide(KACHO, incident, "report") == ""
    with pytest.raises(IncidentError, match="管理者か運用管理者"):
        rules.close(incident, SUZUKI, NOW)


def test_closing_is_refused_naming_every_open_step(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.IMPERSONATION)
    incident = _done(incident, "report")
    incident = _not_needed(incident, "press")
    with pytest.raises(IncidentError) as refused:
        rules.close(incident, KACHO, NOW)
    message = refused.value.message
    assert message.startswith("次の手順が済んでいないため、事案 7 を終了できません: ")
    assert "「偽アカウントの画面を記録する」(必須)" in message
    assert "「SNS の運営会社に偽アカウントの削除か停止を依頼する」(必須)" in message
    assert "「公式アカウントでも、偽アカウントへの注意を呼びかける」(要否が未判断)" in message
    assert "運用管理者(広報戦略担当)へ報告する" not in message and "報道機関" not in message
    assert rules.why_not_close(KACHO, incident) == message


def test_when_every_step_is_decided_the_manager_or_the_operations_manager_closes(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.TAKEOVER)
    for state in incident.states:
        incident = _done(incident, state.step.id) if state.step.required else _not_needed(incident, state.step.id)
    assert incident.blocking == ()
    assert rules.why_not_close(OPS, incident) == ""
    event = rules.close(incident, KACHO, NOW, "すべて対応済み")
    assert (event.action, event.by, event.text) == (EventKind.CLOSED, "kacho", "すべて対応済み")
    closed = dataclasses.replace(incident, status=IncidentStatus.CLOSED, events=(*incident.events, event))
    assert "終了しています" in rules.why_not_close(KACHO, closed)
    assert "終了した事案には追加できません" in rules.why_not_add(SUZUKI, closed)
    assert "終了しています" in rules.why_not_decide(KACHO, closed, "report")


def test_a_required_step_cannot_be_declared_not_needed(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.TAKEOVER)
    with pytest.raises(IncidentError, match=r"「パスワードを変更し.*」は必須のため、不要にはできません"):
        rules.decide(incident, KACHO, "change_password", NOW, not_needed_reason="変えたくない")


def test_not_needed_needs_a_reason_and_may_later_become_done(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.FLAMING)
    with pytest.raises(IncidentError, match="理由を入力してください"):
        rules.decide(incident, KACHO, "explain", NOW, not_needed_reason="  ")
    incident = _not_needed(incident, "explain", "誤りはなかった")
    state = next(s for s in incident.states if s.step.id == "explain")
    assert (state.status, state.by, state.note) == (StepStatus.NOT_NEEDED, "kacho", "誤りはなかった")
    with pytest.raises(IncidentError, match="不要と判断済み"):
        rules.decide(incident, KACHO, "explain", NOW, not_needed_reason="やはり不要")
    incident = _done(incident, "explain", OPS)  # things changed: the later decision counts
    state = next(s for s in incident.states if s.step.id == "explain")
    assert (state.status, state.by) == (StepStatus.DONE, "tanaka")
    with pytest.raises(IncidentError, match="tanaka が済みにしています"):
        rules.decide(incident, KACHO, "explain", NOW)
    with pytest.raises(IncidentError, match="済みにしています"):
        rules.decide(incident, KACHO, "explain", NOW, not_needed_reason="取り消したい")


def test_an_unknown_step_is_named_with_the_steps_there_are(incident_of: Maker) -> None:
    incident = incident_of(IncidentKind.OTHER)
    with pytest.raises(IncidentError, match=r"手順「reprot」はありません\(手順: record、decide"):
        rules.decide(incident, KACHO, "reprot", NOW)


def test_states_come_from_the_timeline_in_order(incident_of: Maker) -> None:
    later = NOW + dt.timedelta(hours=1)
    incident = incident_of(
        IncidentKind.MISTAKE,
        Event(EventKind.STEP_NOT_NEEDED, "kacho", NOW, step_id="report", text="影響なし"),
        Event(EventKind.NOTE, "suzuki", NOW, text="メモ"),
        Event(EventKind.STEP_DONE, "tanaka", later, step_id="report", text="電話で報告"),
        Event("step.reopened", "someone", later, step_id="link_post"),  # from a newer version: ignored
    )
    states = {s.step.id: s for s in incident.states}
    assert (states["report"].status, states["report"].by, states["report"].at) == (StepStatus.DONE, "tanaka", later)
    assert states["link_post"].status is StepStatus.OPEN
    assert incident.last_activity == later


def test_a_report_needs_a_city_account_a_description_and_no_future_time() -> None:
    account = Account(1, "x", "@hh", "https://x.com/hh", "広報", "kacho", AccountStatus.ACTIVE)
    rules.check_report(SUZUKI, account, IncidentKind.MISTAKE, "日付の誤り", FOUND, "鈴木", NOW)
    rules.check_report(SUZUKI, dataclasses.replace(account, status=AccountStatus.CLOSED), IncidentKind.IMPERSONATION,
                       "廃止したアカウントを装われた", FOUND, "", NOW)  # fmt: skip
    for status in (AccountStatus.REQUESTED, AccountStatus.REJECTED):
        with pytest.raises(IncidentError, match="市のアカウントではありません"):
            rules.check_report(SUZUKI, dataclasses.replace(account, status=status), IncidentKind.OTHER, "x", FOUND, "",
                               NOW)  # fmt: skip
    with pytest.raises(IncidentError, match="説明"):
        rules.check_report(SUZUKI, account, IncidentKind.OTHER, " ", FOUND, "", NOW)
    with pytest.raises(IncidentError, match="未来"):
        rules.check_report(SUZUKI, account, IncidentKind.OTHER, "x", NOW + dt.timedelta(hours=1), "", NOW)
    with pytest.raises(IncidentError, match="長すぎます"):
        rules.check_report(SUZUKI, account, IncidentKind.OTHER, "あ" * 4001, FOUND, "", NOW)


def test_evidence_addresses_are_web_addresses() -> None:
    assert rules.check_url(" https://x.com/fake_city/status/1 ") == "https://x.com/fake_city/status/1"
    for bad in ("x.com/fake", "javascript:alert(1)", "https://", "https://a b", "ftp://x"):
        with pytest.raises(IncidentError, match="http:// か https://"):
            rules.check_url(bad)
