"""Facts for the monthly report's tests: two accounts, December 2026, an audit head, incidents as the service
hands them over, and a whole document with text that must be escaped."""

from __future__ import annotations

import datetime as dt

import pytest

from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.incidents import Event, EventKind, Incident, IncidentKind, IncidentStatus, load_catalog
from sns_desk.core.moderation import LinkedPost, ModerationAction, ModerationEntry
from sns_desk.core.report import (
    AcknowledgementFact,
    AuditHead,
    BackupFact,
    CorrectionFact,
    DraftStepFact,
    Month,
    PostFact,
    ReportDocument,
    monthly_report,
)

DECEMBER = Month(2026, 12)
NOW = dt.datetime(2027, 1, 4, 0, 30, tzinfo=dt.UTC)  # 2027-01-04 09:30 in Japan
HEAD = AuditHead(42, "ab" * 32)
ACCOUNT = Account(1, "x", "@hh_koho", "https://x.com/hh_koho", "広報戦略担当", "kacho", AccountStatus.ACTIVE)
OTHER = Account(
    2, "instagram", "@hh_kanko", "https://www.instagram.com/hh_kanko/", "観光振興課", "bucho", AccountStatus.ACTIVE
)
EVIL = '<script>alert("x")</script> & <b onclick="steal()">太字</b>'
"""Text that must reach the page as text."""
FORMULA = '=HYPERLINK("http://evil.example","押して")'
"""Text Excel would run as a formula."""


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def incident(
    number: int,
    kind: IncidentKind,
    found: dt.datetime,
    *events: Event,
    status: IncidentStatus = IncidentStatus.OPEN,
    reported_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    account_id: int = 1,
) -> Incident:
    return Incident(
        id=number,
        account_id=account_id,
        account_name="@hh_koho" if account_id == 1 else "@hh_kanko",
        account_manager="kacho" if account_id == 1 else "bucho",
        kind=kind,
        description="市を名乗る偽アカウントが見つかった " + EVIL,
        found_at=found,
        found_by="市民からの電話",
        reported_by="suzuki",
        reported_at=reported_at or found,
        status=status,
        steps=load_catalog().checklist(kind).steps,
        events=events,
        closed_by="kacho" if closed_at else "",
        closed_at=closed_at,
    )


def linked(item_id: int, text: str, at: dt.datetime, account: str = "@hh_koho") -> LinkedPost:
    return LinkedPost(item_id, account, "x", f"https://x.com/hh_koho/status/{item_id}", at, text)


def entry(
    number: int,
    action: ModerationAction,
    acted: dt.datetime,
    item: str = "user_rules",
    *,
    reason: str = "誹謗中傷",
    handle: str = "@troll",
    supersedes: int | None = None,
    superseded_by: int | None = None,
    account_id: int = 1,
) -> ModerationEntry:
    return ModerationEntry(
        id=number,
        account_id=account_id,
        account_name="@hh_koho" if account_id == 1 else "@hh_kanko",
        action=action,
        author_handle=handle,
        text="ひどい言葉",
        url="",
        commented_at=None,
        acted_at=acted,
        policy_item=item,
        policy_version=1,
        reason=reason,
        recorded_by="kacho",
        recorded_at=acted,
        supersedes_id=supersedes,
        superseded_by_id=superseded_by,
    )


CORRECTIONS = [
    # 12/3 in Japan, correcting a November post
    CorrectionFact(
        linked(101, "花火大会は 8月3日(土)です", utc(2026, 11, 20, 3)),
        linked(102, "【訂正】花火大会は 8月2日(土)です " + EVIL, utc(2026, 12, 3, 3)),
    ),
    CorrectionFact(
        linked(103, "窓口は午後3時まで", utc(2026, 12, 10, 1)),
        linked(104, "【訂正】窓口は午後1時まで", utc(2026, 12, 10, 2)),
    ),
    # 2027-01-01 00:30 in Japan: January's
    CorrectionFact(
        linked(105, "元日の催し", utc(2026, 12, 31, 1)), linked(106, "【訂正】元日", utc(2026, 12, 31, 15, 30))
    ),
]
MODERATION = [
    entry(1, ModerationAction.DELETE, utc(2026, 12, 2, 1), reason="誹謗中傷 " + EVIL, handle="@troll"),
    # deleted, then corrected: it was hidden (2 superseded by 3)
    entry(2, ModerationAction.DELETE, utc(2026, 12, 4, 1), superseded_by=3, handle="=spam"),
    entry(3, ModerationAction.HIDE, utc(2026, 12, 4, 1), supersedes=2, reason="削除ではなく非表示", handle="=spam"),
    # recorded, then retracted (4 retracted by 5)
    entry(4, ModerationAction.HIDE, utc(2026, 12, 6, 1), "personal_information", superseded_by=5),
    entry(5, ModerationAction.RETRACT, utc(2026, 12, 6, 2), "personal_information", supersedes=4),
    entry(6, ModerationAction.HIDE, utc(2026, 12, 20, 1), "personal_information", reason="電話番号の書き込み"),
    # November in Japan, and another account's: not December's @hh_koho
    entry(7, ModerationAction.DELETE, utc(2026, 11, 30, 14, 59)),
    entry(8, ModerationAction.DELETE, utc(2026, 12, 7, 1), account_id=2),
]


def december_document() -> ReportDocument:
    """@hh_koho's December: 7 posts (3 in the week of 12/7), drafts, findings under two articles, an incident
    with two steps decided, a backup, 2 corrections, moderation entries of which 3 stand (削除 1, 非表示 2;
    利用者の遵守事項 2, 個人情報 1) and 3 are superseded or 取消; @hh_kanko: one post."""
    days = (1, 2, 7, 8, 9, 15, 29)
    posts = [
        PostFact(
            n,
            utc(2026, 11, 30, 15, 30) + dt.timedelta(days=day - 1),
            "x",
            n % 2 == 0,
            "suzuki",
            "停電のため " + EVIL if n == 3 else "",
        )
        for n, day in enumerate(days, start=1)
    ]
    found = utc(2026, 12, 5, 1, 5)
    koho = monthly_report(
        DECEMBER,
        ACCOUNT,
        posts=posts,
        draft_steps=[
            DraftStepFact(1, "submit", utc(2026, 12, 1), "suzuki"),
            DraftStepFact(1, "reject", utc(2026, 12, 1, 1), "kacho"),
            DraftStepFact(1, "submit", utc(2026, 12, 1, 2), "suzuki"),
            DraftStepFact(1, "approve", utc(2026, 12, 1, 3), "kacho"),
        ],
        acknowledgements=[
            AcknowledgementFact(1, "privacy.address", "7-2", "会場の住所 " + EVIL, "suzuki", utc(2026, 12, 1)),
            AcknowledgementFact(2, "privacy.address", "7-2", FORMULA, "suzuki", utc(2026, 12, 2)),
            AcknowledgementFact(2, "accuracy.hearsay", "6-6", "主催者の発表", "sato", utc(2026, 12, 2)),
        ],
        incidents=[
            incident(
                9,
                IncidentKind.IMPERSONATION,
                found,
                Event(
                    EventKind.STEP_DONE, "kacho", found + dt.timedelta(minutes=45), step_id="report", text="電話で報告"
                ),
                Event(
                    EventKind.STEP_NOT_NEEDED,
                    "kacho",
                    found + dt.timedelta(hours=2, minutes=5),
                    step_id="press",
                    text="問い合わせがないため",
                ),
                reported_at=found + dt.timedelta(minutes=10),
            )
        ],
        backups=[
            BackupFact(
                "sns-desk-backup-20261210-020000",
                utc(2026, 12, 9, 17),
                "tanaka",
                120,
                30,
                None,
                scheduled=True,
                account_items=80,
            ),
        ],
        audit=HEAD,
        generated_at=NOW,
        generated_by="tanaka",
        platform_labels={"x": "X(旧Twitter)", "instagram": "Instagram"},
        corrections=CORRECTIONS,
        moderation=MODERATION,
    )
    kanko = monthly_report(
        DECEMBER,
        OTHER,
        posts=[PostFact(50, utc(2026, 12, 20), "instagram", False)],
        audit=HEAD,
        generated_at=NOW,
        generated_by="tanaka",
        platform_labels={"instagram": "Instagram"},
    )
    return ReportDocument(DECEMBER, (koho, kanko), HEAD, NOW, "tanaka", "田中 " + EVIL)


@pytest.fixture
def document() -> ReportDocument:
    return december_document()
