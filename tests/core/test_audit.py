"""The audit chain's rules: every edit, deletion, insertion or reordering is found, and where."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sns_desk.core.audit import (
    GENESIS,
    AuditAction,
    AuditRecord,
    ProblemKind,
    canonical_content,
    chain_hash,
    verify_chain,
)

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def build(n: int) -> list[AuditRecord]:
    chain: list[AuditRecord] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        at = T0 + dt.timedelta(minutes=seq)
        payload = {"revision": seq, "comment": f"第{seq}版"}
        content = canonical_content(seq, at, "suzuki", AuditAction.DRAFT_SAVED.value, "draft", "7", payload)
        record = AuditRecord(seq, at, "suzuki", AuditAction.DRAFT_SAVED.value, "draft", "7", payload, prev, "")
        record = dataclasses.replace(record, hash=chain_hash(prev, content))
        chain.append(record)
        prev = record.hash
    return chain


def test_an_intact_chain_reports_its_length_and_head() -> None:
    chain = build(5)
    report = verify_chain(chain)
    assert report.intact and report.count == 5 and report.head == chain[-1].hash
    empty = verify_chain([])
    assert empty.intact and empty.count == 0 and empty.head == GENESIS


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor", "kacho"), ("action", AuditAction.DRAFT_APPROVED.value), ("object_id", "8"),
     ("payload", {"revision": 3, "comment": "書き換え"}), ("at", T0)],
)  # fmt: skip
def test_editing_any_field_of_a_record_is_found_at_that_record(field: str, value: object) -> None:
    chain = build(5)
    chain[2] = dataclasses.replace(chain[2], **{field: value})
    report = verify_chain(chain)
    assert report.problem is not None and (report.problem.seq, report.problem.kind) == (3, ProblemKind.EDITED)
    assert "3 番" in report.problem.message


def test_deleting_a_record_is_found_at_the_next_one() -> None:
    chain = build(5)
    del chain[1]
    report = verify_chain(chain)
    assert report.problem is not None and (report.problem.seq, report.problem.kind) == (3, ProblemKind.MISSING)


def test_reordering_is_found_where_the_order_breaks() -> None:
    chain = build(5)  # the storage reads by sequence number: a reorder swaps what two numbers hold
    chain[1], chain[2] = dataclasses.replace(chain[2], seq=2), dataclasses.replace(chain[1], seq=3)
    report = verify_chain(chain)
    assert report.problem is not None and report.problem.seq == 2 and report.problem.kind is ProblemKind.BROKEN_LINK


def test_an_inserted_record_with_renumbered_successors_breaks_the_link() -> None:
    chain = build(4)
    forged = dataclasses.replace(chain[1], actor="kacho")
    renumbered = [dataclasses.replace(r, seq=r.seq + 1) for r in chain[2:]]
    report = verify_chain([chain[0], chain[1], dataclasses.replace(forged, seq=3), *renumbered])
    assert report.problem is not None and report.problem.seq == 3 and report.problem.kind is ProblemKind.BROKEN_LINK


def test_a_rewritten_chain_is_consistent_but_has_another_head() -> None:
    honest = build(3)
    rewritten: list[AuditRecord] = []
    prev = GENESIS
    for r in honest:
        actor = "kacho" if r.seq == 2 else r.actor
        content = canonical_content(r.seq, r.at, actor, r.action, r.object_type, r.object_id, r.payload)
        rewritten.append(dataclasses.replace(r, actor=actor, prev_hash=prev, hash=chain_hash(prev, content)))
        prev = rewritten[-1].hash
    # Only a head written down earlier (a backup's bag-info.txt) shows this.
    assert verify_chain(rewritten).intact and verify_chain(rewritten).head != verify_chain(honest).head


def test_times_must_be_aware_and_are_hashed_in_utc() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        canonical_content(1, dt.datetime(2026, 12, 1), "a", "b", "c", "d", {})
    jst = dt.timezone(dt.timedelta(hours=9))
    assert canonical_content(1, T0, "a", "b", "c", "d", {}) == canonical_content(
        1, T0.astimezone(jst), "a", "b", "c", "d", {}
    )
