"""The monthly report's counts on fixture facts: Japan-time month ends, weeks, platforms, the workflow's
steps, findings by article, incidents with their elapsed times, backups by scope; who may make one."""

from __future__ import annotations

import datetime as dt

import pytest

from sns_desk.core.errors import InvalidInput
from sns_desk.core.incidents import Event, EventKind, Incident, IncidentKind, IncidentStatus, StepStatus
from sns_desk.core.people import Person, Role
from sns_desk.core.report import (
    AcknowledgementFact,
    AuditHead,
    BackupFact,
    DraftStepFact,
    Month,
    PostFact,
    elapsed_minutes,
    elapsed_text,
    incident_in_month,
    monthly_report,
    reportable,
    why_not_report,
)
from sns_desk.core.report.charts import bar_chart, column_chart, nice_scale

from .conftest import ACCOUNT, DECEMBER, HEAD, NOW, OTHER, incident, utc

# -- the month -----------------------------------------------------------------------------------------


def test_a_month_runs_from_midnight_to_midnight_in_japan() -> None:
    assert DECEMBER.start == utc(2026, 11, 30, 15)
    assert DECEMBER.end == utc(2026, 12, 31, 15)
    assert DECEMBER.contains(utc(2026, 11, 30, 15, 30))  # 2026-12-01 00:30 in Japan
    assert not DECEMBER.contains(utc(2026, 11, 30, 14, 59, 59))  # 2026-11-30 23:59:59 in Japan
    assert DECEMBER.contains(utc(2026, 12, 31, 14, 59, 59))  # 2026-12-31 23:59:59 in Japan
    assert not DECEMBER.contains(utc(2026, 12, 31, 15))  # 2027-01-01 00:00 in Japan
    assert Month.of(utc(2026, 11, 30, 15, 30)) == DECEMBER
    assert Month.of(utc(2026, 12, 31, 15)) == Month(2027, 1)
    assert (str(DECEMBER), DECEMBER.label) == ("2026-12", "2026年12月")


def test_weeks_start_on_monday_and_are_cut_at_the_months_ends() -> None:
    weeks = [(a.day, b.day) for a, b in DECEMBER.weeks()]
    assert weeks == [(1, 6), (7, 13), (14, 20), (21, 27), (28, 31)]  # 2026-12-01 is a Tuesday
    assert [(a.day, b.day) for a, b in Month(2027, 2).weeks()] == [(1, 7), (8, 14), (15, 21), (22, 28)]  # Monday 1st
    assert [(a.day, b.day) for a, b in Month(2026, 11).weeks()][:2] == [(1, 1), (2, 8)]  # Sunday 1st: a one-day week
    assert len(Month(2026, 8).weeks()) == 6  # 1 Aug 2026 is a Saturday: 1-2, 3-9, …, 31
    assert DECEMBER.week_of(utc(2026, 11, 30, 15, 30)) == 0
    assert DECEMBER.week_of(utc(2026, 12, 6, 14, 59)) == 0  # Sunday 23:59 in Japan
    assert DECEMBER.week_of(utc(2026, 12, 6, 15, 0)) == 1  # Monday 00:00 in Japan
    assert DECEMBER.week_of(utc(2026, 12, 31, 14, 0)) == 4


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("2026-12", Month(2026, 12)),
        (" 2027-01 ", Month(2027, 1)),
        ("0001-01", Month(1, 1)),
        ("9999-12", Month(9999, 12)),
        ("２０２６－１２", Month(2026, 12)),
    ],
)
def test_months_are_read_as_yyyy_mm(text: str, wanted: Month) -> None:
    assert Month.parse(text) == wanted


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2026-13", "月 13 はありません"),
        ("2026-00", "月 00 はありません"),
        ("0000-05", "年 0000 は扱えません"),
        ("2026-1", "年月として読めません"),
        ("202612", "年月として読めません"),
        ("2026/12", "年月として読めません"),
        ("12-2026", "年月として読めません"),
        ("", "年月として読めません"),
        ("2026年12月", "年月として読めません"),
    ],
)
def test_a_bad_month_is_named_in_japanese(text: str, said: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Month.parse(text)
    assert said in caught.value.message
    assert caught.value.option == "--month"


def test_the_calendars_ends_are_months_too() -> None:
    first, last = Month(1, 1), Month(9999, 12)
    assert first.start == dt.datetime.min.replace(tzinfo=dt.UTC)  # 0001-01-01 00:00 Japan is before year 1 in UTC
    assert first.contains(utc(1, 1, 1, 0))
    assert last.end == utc(9999, 12, 31, 15)
    assert last.contains(utc(9999, 12, 31, 14, 59)) and not last.contains(utc(9999, 12, 31, 23, 59))
    report = monthly_report(
        last,
        ACCOUNT,
        posts=[PostFact(1, utc(9999, 12, 31, 14, 59), "x", True)],
        audit=HEAD,
        generated_at=NOW,
        generated_by="tanaka",
    )
    assert report.posts.weeks[-1].count == 1


# -- counting ---------------------------------------------------------------------------------------


def test_posts_are_counted_by_japanese_week_and_platform() -> None:
    posts = [
        PostFact(1, utc(2026, 11, 30, 15, 30), "x", True, "suzuki"),  # 12/1 00:30 Japan: December, week 1
        PostFact(2, utc(2026, 11, 30, 14, 59), "x", True),  # 11/30 23:59 Japan: November
        PostFact(3, utc(2026, 12, 7, 0), "x", False),
        PostFact(4, utc(2026, 12, 8, 0), "mastodon", False),
        PostFact(5, utc(2026, 12, 8, 1), "x", True, "sato", "停電で庁舎の端末が使えないため"),
        PostFact(6, utc(2026, 12, 31, 14, 59), "x", True),  # 12/31 23:59 Japan
        PostFact(7, utc(2026, 12, 31, 15, 0), "x", True),  # 2027-01-01 00:00 Japan
    ]
    report = monthly_report(
        DECEMBER,
        ACCOUNT,
        posts=posts,
        audit=HEAD,
        generated_at=NOW,
        generated_by="tanaka",
        platform_labels={"x": "X(旧Twitter)"},
    )
    assert report.posts.total == 5
    assert report.posts.from_desk == 3
    assert [(w.label, w.count) for w in report.posts.weeks] == [
        ("12/1〜12/6", 1),
        ("12/7〜12/13", 3),
        ("12/14〜12/20", 0),
        ("12/21〜12/27", 0),
        ("12/28〜12/31", 1),
    ]
    assert [(p.platform, p.label, p.count) for p in report.posts.platforms] == [
        ("x", "X(旧Twitter)", 4),
        ("mastodon", "mastodon", 1),
    ]
    assert [(p.item_id, p.off_terminal_reason) for p in report.posts.off_terminal] == [
        (5, "停電で庁舎の端末が使えないため")
    ]
    assert report.platform_label == "X(旧Twitter)"


def test_the_workflow_counts_times_and_drafts() -> None:
    steps = [
        DraftStepFact(1, "submit", utc(2026, 12, 1), "suzuki"),
        DraftStepFact(1, "reject", utc(2026, 12, 1, 2), "kacho"),
        DraftStepFact(1, "submit", utc(2026, 12, 2), "suzuki"),
        DraftStepFact(1, "approve", utc(2026, 12, 2, 1), "kacho"),
        DraftStepFact(2, "submit", utc(2026, 12, 3), "sato"),
        DraftStepFact(2, "reject", utc(2026, 12, 3, 1), "kacho"),
        DraftStepFact(2, "discard", utc(2026, 12, 4), "sato"),
        DraftStepFact(3, "submit", utc(2026, 11, 30, 14), "sato"),  # November in Japan
        DraftStepFact(3, "save", utc(2026, 12, 4), "sato"),  # not a step the report counts
    ]
    drafts = monthly_report(
        DECEMBER, ACCOUNT, draft_steps=steps, audit=HEAD, generated_at=NOW, generated_by="tanaka"
    ).drafts
    assert [(key, c.times, c.drafts) for key, _, c in drafts.rows()] == [
        ("submitted", 3, 2),
        ("approved", 1, 1),
        ("returned", 2, 2),
        ("discarded", 1, 1),
    ]
    assert drafts.any


def test_findings_are_grouped_by_article_in_the_guidelines_order() -> None:
    acks = [
        AcknowledgementFact(
            4, "privacy.address", "7-2", "会場の住所で、個人の住所ではない", "suzuki", utc(2026, 12, 3)
        ),
        AcknowledgementFact(5, "links.third_party", "9-2-2", "県の公式ページ", "sato", utc(2026, 12, 2)),
        AcknowledgementFact(5, "accuracy.hearsay", "6-6", "主催者の発表の引用", "sato", utc(2026, 12, 1)),
        AcknowledgementFact(6, "old.rule", "", "以前の規則", "sato", utc(2026, 12, 5)),
        AcknowledgementFact(7, "privacy.address", "7-2", "公共施設の所在地", "suzuki", utc(2026, 12, 10)),
        AcknowledgementFact(8, "privacy.address", "7-2", "11月のもの", "suzuki", utc(2026, 11, 30, 14)),
        AcknowledgementFact(9, "privacy.phone", "7-10", "条項 10", "suzuki", utc(2026, 12, 11)),
    ]
    report = monthly_report(
        DECEMBER, ACCOUNT, acknowledgements=acks, audit=HEAD, generated_at=NOW, generated_by="tanaka"
    )
    assert [(g.article, g.label, g.count) for g in report.findings] == [
        ("6-6", "第6条第6号", 1),
        ("7-2", "第7条第2号", 2),
        ("7-10", "第7条第10号", 1),  # numerically after 7-2
        ("9-2-2", "第9条第2項(引用・リンク)", 1),
        ("", "条項不明(ルールブックにない規則)", 1),
    ]
    assert [a.reason for a in report.findings[1].items] == ["会場の住所で、個人の住所ではない", "公共施設の所在地"]
    assert report.findings_total == 6


def test_incidents_show_each_step_with_the_time_from_found() -> None:
    found = utc(2026, 12, 5, 1, 5)  # 10:05 in Japan
    done = incident(
        1,
        IncidentKind.IMPERSONATION,
        found,
        Event(EventKind.OPENED, "suzuki", found + dt.timedelta(minutes=10)),
        Event(EventKind.STEP_DONE, "kacho", found + dt.timedelta(minutes=45), step_id="report", text="電話で報告"),
        Event(
            EventKind.STEP_NOT_NEEDED,
            "kacho",
            found + dt.timedelta(hours=2, minutes=5),
            step_id="press",
            text="報道の問い合わせがないため",
        ),
        Event(EventKind.CLOSED, "kacho", found + dt.timedelta(days=3, hours=4, minutes=5)),
        status=IncidentStatus.CLOSED,
        reported_at=found + dt.timedelta(minutes=10),
        closed_at=found + dt.timedelta(days=3, hours=4, minutes=5),
    )
    report = monthly_report(DECEMBER, ACCOUNT, incidents=[done], audit=HEAD, generated_at=NOW, generated_by="tanaka")
    (item,) = report.incidents
    assert (item.kind_label, item.article, item.status_label, item.is_open) == (
        "なりすまし",
        "第8条第1項",
        "終了",
        False,
    )
    assert elapsed_text(item.reported_after) == "10分"
    states = {s.id: s for s in item.steps}
    assert (
        states["report"].status,
        elapsed_text(states["report"].elapsed or dt.timedelta()),
        states["report"].note,
    ) == (
        StepStatus.DONE,
        "45分",
        "電話で報告",
    )
    assert (states["press"].status, elapsed_text(states["press"].elapsed or dt.timedelta())) == (
        StepStatus.NOT_NEEDED,
        "2時間05分",
    )
    assert states["homepage_notice"].status is StepStatus.OPEN and states["homepage_notice"].elapsed is None
    assert item.closed_after is not None and elapsed_text(item.closed_after) == "3日4時間05分"
    assert item.found_this_month


def test_which_incidents_belong_to_a_month() -> None:
    def made(found: dt.datetime, closed: dt.datetime | None = None) -> Incident:
        status = IncidentStatus.CLOSED if closed else IncidentStatus.OPEN
        return incident(1, IncidentKind.FLAMING, found, status=status, closed_at=closed)

    assert incident_in_month(DECEMBER, made(utc(2026, 11, 30, 15, 30)))
    assert incident_in_month(DECEMBER, made(utc(2026, 10, 1)))  # still open
    assert incident_in_month(DECEMBER, made(utc(2026, 10, 1), utc(2026, 12, 2)))
    assert not incident_in_month(DECEMBER, made(utc(2026, 10, 1), utc(2026, 11, 30, 14)))
    assert not incident_in_month(DECEMBER, made(utc(2026, 12, 31, 15)))  # January
    older = incident(2, IncidentKind.FLAMING, utc(2026, 10, 1))
    of_other = incident(3, IncidentKind.FLAMING, utc(2026, 12, 2), account_id=OTHER.id)
    report = monthly_report(
        DECEMBER, ACCOUNT, incidents=[older, of_other], audit=HEAD, generated_at=NOW, generated_by="tanaka"
    )
    assert [(i.id, i.found_this_month, i.is_open) for i in report.incidents] == [(2, False, True)]


def test_backups_of_the_whole_archive_and_of_the_account_count() -> None:
    backups = [
        BackupFact(
            "sns-desk-backup-20261201-020000",
            utc(2026, 11, 30, 17),
            "tanaka",
            120,
            30,
            None,
            scheduled=True,
            account_items=80,
        ),
        BackupFact("koho", utc(2026, 12, 10), "kacho", 80, 20, "@hh_koho"),
        BackupFact("kanko", utc(2026, 12, 11), "bucho", 40, 10, "@hh_kanko"),
        BackupFact("november", utc(2026, 11, 30, 14), "tanaka", 100, 30, None),
    ]
    report = monthly_report(DECEMBER, ACCOUNT, backups=backups, audit=HEAD, generated_at=NOW, generated_by="tanaka")
    assert [(b.name, b.scheduled) for b in report.backups] == [
        ("sns-desk-backup-20261201-020000", True),
        ("koho", False),
    ]
    assert report.audit == AuditHead(42, "ab" * 32)
    assert not report.has_activity  # backups of the whole archive alone are no activity of the account


def test_elapsed_times_read_as_people_say_them() -> None:
    assert [elapsed_text(dt.timedelta(minutes=m)) for m in (0, 59, 60, 125, 24 * 60, 24 * 60 + 61)] == [
        "0分",
        "59分",
        "1時間00分",
        "2時間05分",
        "1日0時間00分",
        "1日1時間01分",
    ]
    assert elapsed_minutes(dt.timedelta(seconds=119)) == 1
    assert elapsed_text(dt.timedelta(minutes=-3)) == "-3分"  # another terminal's clock


# -- who may make it ----------------------------------------------------------------------------------


def test_who_may_make_a_report() -> None:
    ops = Person("tanaka", "田中", Role.OPERATIONS_MANAGER)
    kacho = Person("kacho", "課長", Role.ACCOUNT_MANAGER)
    drafter = Person("suzuki", "鈴木", Role.DRAFTER)
    gone = Person("old", "元職員", Role.OPERATIONS_MANAGER, active=False)
    accounts = [ACCOUNT, OTHER]
    assert reportable(ops, accounts) == accounts
    assert reportable(kacho, accounts) == [ACCOUNT]
    assert reportable(drafter, accounts) == []
    assert why_not_report(kacho, OTHER).startswith("アカウント「@hh_kanko」の月次報告を作れるのは")
    assert "起案者" in why_not_report(drafter)
    assert "無効" in why_not_report(gone)
    assert why_not_report(ops, OTHER) == why_not_report(kacho, ACCOUNT) == why_not_report(kacho) == ""


# -- charts ------------------------------------------------------------------------------------------


def test_chart_scales_are_round() -> None:
    assert [nice_scale(n) for n in (0, 1, 3, 4, 7, 12, 100, 1234)] == [
        (1, 1),
        (1, 1),
        (3, 1),
        (4, 1),
        (8, 2),
        (15, 5),
        (100, 50),
        (1500, 500),
    ]


def test_bars_are_as_long_as_their_counts() -> None:
    columns = column_chart("t", [("a", 2), ("b", 4), ("c", 0)], height=220, top=20, bottom=40)
    heights = [bar.height for bar in columns.bars]
    assert heights[1] == pytest.approx(160) and heights[0] == pytest.approx(80) and heights[2] == 0
    assert all(bar.y + bar.height == pytest.approx(columns.plot_bottom) for bar in columns.bars)
    bars = bar_chart("t", [("第6条第6号", 1), ("第7条第2号", 3)])
    assert bars.horizontal and bars.bars[1].width == pytest.approx(bars.plot_right - bars.plot_left)
    assert bars.bars[0].width == pytest.approx((bars.plot_right - bars.plot_left) / 3)


def test_corrections_and_moderation_of_the_month_are_counted() -> None:
    from sns_desk.core.moderation import ModerationAction

    from .conftest import CORRECTIONS, MODERATION, december_document

    koho, kanko = december_document().reports
    assert [c.correction.id for c in koho.corrections] == [102, 104]
    m = koho.moderation
    assert [(line.entry.id, line.counted) for line in m.lines] == [
        (1, True), (2, False), (3, True), (4, False), (5, False), (6, True),
    ]  # fmt: skip
    assert (m.total, m.not_counted) == (3, 3)
    assert [(c.key, c.label, c.count) for c in m.by_action] == [("delete", "削除", 1), ("hide", "非表示", 2)]
    assert [(c.key, c.count) for c in m.by_item] == [("user_rules", 2), ("personal_information", 1)]
    assert m.by_item[0].label.startswith("第4条第4項第6号")
    assert koho.has_activity
    assert (kanko.corrections, kanko.moderation.lines, kanko.moderation.by_action) == ((), (), ())

    # the other account's entry is its own; a month with only a 取消 counts nothing but is activity
    only_other = monthly_report(
        DECEMBER, OTHER, corrections=CORRECTIONS, moderation=MODERATION, audit=HEAD, generated_at=NOW, generated_by="t"
    )
    assert [line.entry.id for line in only_other.moderation.lines] == [8] and only_other.corrections == ()
    assert [(c.key, c.count) for c in only_other.moderation.by_action] == [("delete", 1), ("hide", 0)]
    retracted = monthly_report(
        DECEMBER, ACCOUNT, moderation=[e for e in MODERATION if e.id == 5], audit=HEAD, generated_at=NOW,
        generated_by="t",
    )  # fmt: skip
    assert retracted.moderation.total == 0 and retracted.moderation.by_item == () and retracted.has_activity
    assert retracted.moderation.lines[0].entry.action is ModerationAction.RETRACT
    assert retracted.moderation.lines[0].note == "記録 4 の取消(数えない)"
    # an entry superseded by one outside the month (the later entry is not in the list)
    (superseded,) = [e for e in MODERATION if e.id == 2]
    alone = monthly_report(DECEMBER, ACCOUNT, moderation=[superseded], audit=HEAD, generated_at=NOW, generated_by="t")
    assert alone.moderation.total == 0 and "後の記録 3" in alone.moderation.lines[0].note
