"""Monthly reports over a real database (SQLite and PostgreSQL): a December of drafts, posts, findings,
incidents, backups, corrections and moderation entries recorded through the services, counted in Japan time;
who may make which report."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from sns_desk.core.checker import Checker, Severity, default_checker
from sns_desk.core.errors import InvalidInput, UserError
from sns_desk.core.incidents import IncidentKind, StepStatus
from sns_desk.core.people import Role
from sns_desk.core.report import Month, ReportDocument, ReportRefused, render
from sns_desk.services.audit import AuditService
from sns_desk.services.backups import export_backup, run_backup
from sns_desk.services.desk import DeskService
from sns_desk.services.incidents import IncidentService
from sns_desk.services.moderation import ModerationService
from sns_desk.services.registry import RegistryService
from sns_desk.services.report import ReportService
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import PostedItemRow

Opener = Callable[..., Database]
DECEMBER = Month(2026, 12)
WARNING_TEXT = "来月から開館時間を短縮する方向で検討中です。"
"""A text with one warning (a decision still being made, 第6条第5号)."""


@cache
def _checker() -> Checker:
    return default_checker()


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


@dataclasses.dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@dataclasses.dataclass
class Office:
    database: Database
    ops: str
    koho: int
    kanko: int
    media: MediaStore
    clock: Clock

    def desk(self, login: str) -> DeskService:
        return DeskService(self.database, _checker, login, clock=self.clock, media=self.media)

    def incidents(self, login: str) -> IncidentService:
        return IncidentService(self.database, login, clock=self.clock, media=self.media, checker=_checker)

    def moderation(self, login: str) -> ModerationService:
        return ModerationService(self.database, login, clock=self.clock)

    def reports(self, login: str) -> ReportService:
        return ReportService(
            self.database, login, clock=lambda: utc(2027, 1, 4, 0, 30), rulebook=lambda: _checker().rulebook
        )

    def at(self, *parts: int) -> None:
        self.clock.now = utc(*parts)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def office(request: pytest.FixtureRequest, opener: Opener, db_url: str, os_user: str, tmp_path: Path) -> Office:
    """The OS user (or the server's login) is the operations manager; kacho manages @hh_koho, bucho @hh_kanko;
    suzuki and sato are drafters."""
    url = db_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = opener(url)
    ops = database.login()
    clock = Clock(utc(2026, 11, 1))
    desk = DeskService(database, _checker, ops, clock=clock)
    for login, role in (
        ("kacho", Role.ACCOUNT_MANAGER),
        ("bucho", Role.ACCOUNT_MANAGER),
        ("suzuki", Role.DRAFTER),
        ("sato", Role.DRAFTER),
    ):
        desk.set_role(login, role)
    koho = desk.add_account("x", "@hh_koho", "https://x.com/hh_koho", "広報戦略担当", "kacho")
    kanko = desk.add_account("instagram", "@hh_kanko", "https://www.instagram.com/hh_kanko/", "観光振興課", "bucho")
    return Office(database, ops, koho.id, kanko.id, MediaStore(tmp_path / "media"), clock)


def _draft(office: Office, text: str = "冬のおはなし会を開催します。") -> int:
    return office.desk("suzuki").create_draft(office.koho, text=text).id


def _december(office: Office) -> None:
    """What happened on the accounts around December 2026."""
    suzuki, kacho = office.desk("suzuki"), office.desk("kacho")

    # November in Japan (23:00 on the 30th): not counted.
    office.at(2026, 11, 30, 14)
    november = _draft(office)
    suzuki.submit(november)

    # A warning kept with a reason, submitted and approved at 00:30 on 1 December in Japan, posted from a
    # phone during a power cut (第5条).
    office.at(2026, 11, 30, 15, 30)
    first = _draft(office, WARNING_TEXT)
    draft = suzuki.draft(first)
    (warning,) = [f for f in suzuki.check(draft) if f.severity is Severity.WARNING]
    suzuki.acknowledge(first, warning, "議会で公表済みの内容のため")
    suzuki.submit(first)
    kacho.approve(first)
    suzuki.mark_posted(
        first,
        "https://x.com/hh_koho/status/1001",
        utc(2026, 11, 30, 15, 45),
        off_terminal_reason="停電で庁舎の端末が使えないため",
    )

    # Returned once, approved on the 3rd, posted at midnight on New Year's Day in Japan: January's post.
    office.at(2026, 12, 2, 1)
    second = _draft(office)
    suzuki.submit(second)
    kacho.reject(second, "日付を確かめてください")
    office.at(2026, 12, 3, 1)
    suzuki.submit(second)
    kacho.approve(second)
    suzuki.mark_posted(second, "https://x.com/hh_koho/status/1002", utc(2026, 12, 31, 15))

    office.at(2026, 12, 5, 3)
    suzuki.discard(_draft(office), "内容が重複したため")

    # Posts known only from the platforms' exports.
    with office.database.session() as s:
        for n, (account, platform, at) in enumerate(
            [
                (office.koho, "x", utc(2026, 12, 8, 3)),
                (office.koho, "x", utc(2026, 12, 9, 3)),
                (office.koho, "mastodon", utc(2026, 12, 28, 3)),
                (office.koho, "x", utc(2026, 11, 30, 14, 59)),  # 23:59 on 30 November in Japan
                (office.kanko, "instagram", utc(2026, 12, 20, 3)),
            ]
        ):
            s.add(
                PostedItemRow(
                    account_id=account,
                    platform=platform,
                    platform_id=f"imported-{n}",
                    url=f"https://example.jp/{n}",
                    text=f"投稿 {n}",
                    author="",
                    source="x-archive",
                    posted_at=at,
                )
            )

    # Incidents: one found in December (two steps decided), one found in November and still open, one closed
    # in November (not December's).
    office.at(2026, 10, 1, 1)
    closed = office.incidents("suzuki").open("@hh_koho", IncidentKind.OTHER, "10月の事案", utc(2026, 10, 1))
    manager = office.incidents("kacho")
    office.at(2026, 11, 2, 1)
    for state in manager.incident(closed.id).states:
        if state.step.required:
            manager.step_done(closed.id, state.step.id)
        else:
            manager.step_not_needed(closed.id, state.step.id, "不要")
    manager.close(closed.id)
    office.at(2026, 11, 20, 1)
    office.incidents("suzuki").open("@hh_koho", IncidentKind.FLAMING, "11月からの炎上", utc(2026, 11, 20))
    found = utc(2026, 12, 5, 1, 5)
    office.at(2026, 12, 5, 1, 15)
    opened = office.incidents("suzuki").open("@hh_koho", IncidentKind.IMPERSONATION, "市を名乗る偽アカウント", found)
    office.at(2026, 12, 5, 1, 50)
    manager.step_done(opened.id, "report", "電話で報告")
    office.at(2026, 12, 5, 3, 10)
    manager.step_not_needed(opened.id, "press", "報道の問い合わせがないため")


def _imported(office: Office, account: int, platform_id: str, text: str, at: dt.datetime) -> int:
    with office.database.session() as s:
        row = PostedItemRow(
            account_id=account, platform="x", platform_id=platform_id, url=f"https://x.com/hh/status/{platform_id}",
            text=text, author="", source="x-archive", posted_at=at,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def _article9(office: Office) -> dict[str, int]:
    """第9条 around December 2026, through the services: on @hh_koho two corrections posted in December (one
    linked afterwards, one from the desk), one posted at 23:30 on 30 November in Japan; six moderation entries
    acted on in December of which three stand (削除 1, 非表示 2; 利用者の遵守事項 2, 個人情報 1), one
    superseded by a corrected entry, one retracted and the 取消 itself; one in November. @hh_kanko: one
    correction and one deletion in December."""
    ids: dict[str, int] = {}
    kacho, ops = office.moderation("kacho"), office.moderation(office.ops)
    office.at(2026, 12, 31, 14)
    ids["original"] = _imported(office, office.koho, "c1", "花火大会は 8月3日(土)です", utc(2026, 11, 20, 3))
    ids["correction"] = _imported(office, office.koho, "c2", "【訂正】花火大会は 8月2日(土)です", utc(2026, 12, 3, 3))
    kacho.link_correction(ids["original"], ids["correction"])
    early = _imported(office, office.koho, "c3", "11月の誤り", utc(2026, 11, 30, 14))
    late = _imported(office, office.koho, "c4", "【訂正】11月の誤り", utc(2026, 11, 30, 14, 30))
    kacho.link_correction(early, late)
    elsewhere = _imported(office, office.kanko, "c5", "紅葉の見頃は来週", utc(2026, 12, 1, 3))
    office.moderation("bucho").link_correction(
        elsewhere, _imported(office, office.kanko, "c6", "【訂正】紅葉の見頃は今週", utc(2026, 12, 2, 3))
    )

    # from the desk: the correction marked posted with what it corrects
    ids["window"] = _imported(office, office.koho, "c7", "窓口は午後3時までです", utc(2026, 12, 10, 1))
    suzuki = office.desk("suzuki")
    draft = _draft(office, "【訂正】窓口は午後1時までです。失礼しました。")
    suzuki.submit(draft)
    office.desk("kacho").approve(draft)
    suzuki.mark_posted(draft, "https://x.com/hh_koho/status/2001", utc(2026, 12, 10, 2), corrects=ids["window"])

    def record(by: ModerationService, action: str, at: dt.datetime, **more: object) -> int:
        values: dict[str, object] = {
            "author_handle": "@troll", "text": "ひどい言葉", "policy_item": "user_rules", "reason": "誹謗中傷",
        }  # fmt: skip
        values.update(more)
        return by.record("@hh_koho", action, acted_at=at, **values).id  # type: ignore[arg-type]

    ids["first"] = record(kacho, "delete", utc(2026, 12, 2, 1), reason="誹謗中傷(利用者の遵守事項)")
    ids["wrong"] = record(kacho, "delete", utc(2026, 12, 4, 1), author_handle="=spam")
    ids["fixed"] = record(
        ops, "hide", utc(2026, 12, 4, 1), author_handle="=spam", reason="削除ではなく非表示", supersedes=ids["wrong"]
    )
    ids["mistaken"] = record(kacho, "hide", utc(2026, 12, 6, 1), policy_item="personal_information")
    ids["retract"] = record(
        kacho, "retract", utc(2026, 12, 6, 2), policy_item="personal_information", reason="別のコメントだった",
        supersedes=ids["mistaken"],
    )  # fmt: skip
    ids["phone"] = record(kacho, "hide", utc(2026, 12, 20, 1), policy_item="personal_information", reason="電話番号")
    ids["november"] = record(kacho, "delete", utc(2026, 11, 30, 14, 59))
    office.moderation("bucho").record(
        "@hh_kanko", "delete", author_handle="@spam", text="宣伝", policy_item="user_rules", reason="宣伝",
        acted_at=utc(2026, 12, 7, 1),
    )  # fmt: skip
    return ids


def test_corrections_and_moderation_of_the_month(office: Office) -> None:
    ids = _article9(office)
    document = office.reports(office.ops).monthly(DECEMBER)
    kanko, koho = document.reports
    assert [(c.original.id, c.correction.excerpt) for c in koho.corrections] == [
        (ids["original"], "【訂正】花火大会は 8月2日(土)です"),
        (ids["window"], "【訂正】窓口は午後1時までです。失礼しました。"),
    ]
    assert koho.corrections[1].correction.url == "https://x.com/hh_koho/status/2001"
    assert koho.corrections[0].original.posted_at == utc(2026, 11, 20, 3)
    m = koho.moderation
    assert [(line.entry.id, line.counted) for line in m.lines] == [
        (ids["first"], True),
        (ids["wrong"], False),
        (ids["fixed"], True),
        (ids["mistaken"], False),
        (ids["retract"], False),
        (ids["phone"], True),
    ]
    assert (m.total, m.not_counted) == (3, 3)
    assert [(c.key, c.count) for c in m.by_action] == [("delete", 1), ("hide", 2)]
    assert [(c.key, c.count) for c in m.by_item] == [("user_rules", 2), ("personal_information", 1)]
    notes = {line.entry.id: line.note for line in m.lines}
    assert notes[ids["wrong"]] == f"記録 {ids['fixed']} で訂正(数えない)"
    assert notes[ids["mistaken"]] == f"記録 {ids['retract']} で取消(数えない)"
    assert notes[ids["fixed"]] == f"記録 {ids['wrong']} を訂正"
    assert {line.entry.recorded_by for line in m.lines} == {"kacho", office.ops}
    assert len(kanko.corrections) == 1 and kanko.moderation.total == 1
    assert [(c.key, c.count) for c in kanko.moderation.by_action] == [("delete", 1), ("hide", 0)]

    # November's report: the correction at 23:30 on the 30th, and the November deletion
    november = office.reports("kacho").monthly(Month(2026, 11), "@hh_koho").reports[0]
    assert [c.correction.excerpt for c in november.corrections] == ["【訂正】11月の誤り"]
    assert [line.entry.id for line in november.moderation.lines] == [ids["november"]]

    # the three formats say the same
    csv_rows = list(csv.DictReader(io.StringIO(render(document, "csv").decode("utf-8-sig"), newline="")))
    mine = [r for r in csv_rows if r["account"] == "'@hh_koho"]
    assert {r["key"]: int(r["count"]) for r in mine if r["section"] == "moderation_action"} == {"delete": 1, "hide": 2}
    assert sum(int(r["count"]) for r in mine if r["section"] == "moderation") == 3
    assert [r["key"] for r in mine if r["section"] == "correction_original"] == [
        f"{koho.corrections[0].correction.id}:{ids['original']}",
        f"{koho.corrections[1].correction.id}:{ids['window']}",
    ]
    html = render(document, "html").decode("utf-8")
    assert html.count('data-counted="yes"') == 4 and html.count('data-counted="no"') == 3  # with @hh_kanko's
    assert 'data-moderation="3"' in html and 'data-corrections="2"' in html
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(render(document, "pdf"))).pages).split())
    assert "利用方針に基づく削除・非表示3件" in text and "この月に投稿した訂正2件" in text
    assert "電話番号" in text and "削除ではなく非表示" in text


def test_the_operations_manager_reports_every_account(office: Office) -> None:
    _december(office)
    document = office.reports(office.ops).monthly(DECEMBER)
    assert [r.account.name for r in document.reports] == ["@hh_kanko", "@hh_koho"]
    kanko, koho = document.reports
    assert (koho.posts.total, koho.posts.from_desk) == (4, 1)
    assert [w.count for w in koho.posts.weeks] == [1, 2, 0, 0, 1]
    assert [(p.platform, p.label, p.count) for p in koho.posts.platforms] == [
        ("x", "X(旧Twitter)", 3),
        ("mastodon", "Mastodon", 1),
    ]
    assert [(p.author, p.off_terminal_reason) for p in koho.posts.off_terminal] == [
        ("suzuki", "停電で庁舎の端末が使えないため")
    ]
    assert [(key, c.times, c.drafts) for key, _, c in koho.drafts.rows()] == [
        ("submitted", 3, 2),
        ("approved", 2, 2),
        ("returned", 1, 1),
        ("discarded", 1, 1),
    ]
    (group,) = koho.findings
    (warning,) = [f for f in _checker().check(WARNING_TEXT) if f.severity is Severity.WARNING]
    assert group.article == _checker().rulebook.rule(warning.rule).article
    assert [(f.rule, f.reason, f.by) for f in group.items] == [(warning.rule, "議会で公表済みの内容のため", "suzuki")]
    assert [(i.kind_label, i.found_this_month, i.is_open) for i in koho.incidents] == [
        ("炎上", False, True),
        ("なりすまし", True, True),
    ]
    states = {s.id: s for s in koho.incidents[1].steps}
    assert (states["report"].status, states["report"].elapsed, states["report"].note) == (
        StepStatus.DONE,
        dt.timedelta(minutes=45),
        "電話で報告",
    )
    assert (states["press"].status, states["press"].elapsed) == (
        StepStatus.NOT_NEEDED,
        dt.timedelta(hours=2, minutes=5),
    )
    assert koho.incidents[1].reported_after == dt.timedelta(minutes=10)
    assert (kanko.posts.total, kanko.drafts.any, kanko.findings, kanko.incidents) == (1, False, (), ())
    assert document.audit == koho.audit == kanko.audit
    assert (document.audit.records, document.audit.last_hash) == AuditService(office.database).head()
    assert document.generated_by == office.ops


def test_an_account_manager_reports_their_accounts_only(office: Office) -> None:
    _december(office)
    kacho = office.reports("kacho")
    assert [a.name for a in kacho.accounts()] == ["@hh_koho"] and kacho.why_not() == ""
    assert [r.account.name for r in kacho.monthly(DECEMBER).reports] == ["@hh_koho"]
    assert [r.account.name for r in kacho.monthly(DECEMBER, "@hh_koho").reports] == ["@hh_koho"]
    with pytest.raises(ReportRefused, match="@hh_kanko"):
        kacho.monthly(DECEMBER, "@hh_kanko")
    with pytest.raises(InvalidInput, match="登録されていません") as caught:
        kacho.monthly(DECEMBER, "@nowhere")
    assert caught.value.option == "--account"
    only_kanko = office.reports(office.ops).monthly(DECEMBER, "@hh_kanko")
    assert [r.account.name for r in only_kanko.reports] == ["@hh_kanko"]


def test_drafters_and_managers_of_nothing_get_no_report(office: Office) -> None:
    suzuki = office.reports("suzuki")
    assert "起案者" in suzuki.why_not() and suzuki.accounts() == []
    with pytest.raises(ReportRefused, match="運用管理者とアカウント管理者だけ"):
        suzuki.monthly(DECEMBER)
    with pytest.raises(ReportRefused):
        suzuki.monthly(DECEMBER, "@hh_koho")
    office.desk(office.ops).set_role("kakaricho", Role.ACCOUNT_MANAGER)
    with pytest.raises(ReportRefused, match="管理者として登録されたアカウントがない"):
        office.reports("kakaricho").monthly(DECEMBER)


def test_closed_and_requested_accounts_appear_only_when_something_happened(office: Office) -> None:
    registry = RegistryService(office.database, office.ops, checker=_checker)
    registry.close(office.kanko, "統合のため")
    with office.database.session() as s:
        s.add(
            PostedItemRow(
                account_id=office.kanko,
                platform="instagram",
                platform_id="late",
                url="https://e.jp/1",
                text="最後の投稿",
                author="",
                source="instagram-archive",
                posted_at=utc(2026, 11, 3),
            )
        )
    ops = office.reports(office.ops)
    assert [r.account.name for r in ops.monthly(DECEMBER).reports] == ["@hh_koho"]
    assert [r.account.name for r in ops.monthly(Month(2026, 11)).reports] == ["@hh_kanko", "@hh_koho"]
    assert [r.account.name for r in ops.monthly(DECEMBER, "@hh_kanko").reports] == ["@hh_kanko"]  # asked for


def test_backups_of_the_month_are_listed_with_who_and_how_many(office: Office, tmp_path: Path) -> None:
    with office.database.session() as s:
        for n, account in enumerate((office.koho, office.koho, office.kanko)):
            s.add(
                PostedItemRow(
                    account_id=account,
                    platform="x",
                    platform_id=f"b{n}",
                    url=f"https://e.jp/{n}",
                    text=f"投稿 {n}",
                    author="",
                    source="x-archive",
                    posted_at=utc(2026, 11, 3),
                )
            )
    export_backup(office.database, office.media, tmp_path / "all", by=office.ops)
    export_backup(office.database, office.media, tmp_path / "kanko", by="bucho", account="@hh_kanko")
    export_backup(office.database, office.media, tmp_path / "recent", by="kacho", since=utc(2026, 11, 1))
    scheduled = run_backup(office.database, office.media, tmp_path / "runs", 2, by=office.ops).summary.path.name
    (record,) = AuditService(office.database).history("backup", "all")
    month = Month.of(record.at)  # the server's clock on PostgreSQL
    document = office.reports(office.ops).monthly(month)
    kanko, koho = document.reports
    assert [(b.name, b.by, b.items, b.account_items, b.account, b.since is not None) for b in koho.backups] == [
        ("all", office.ops, 3, 2, None, False),
        ("recent", "kacho", 3, None, None, True),
        (scheduled, office.ops, 3, 2, None, False),
    ]
    assert [(b.name, b.items, b.account_items, b.account) for b in kanko.backups] == [
        ("all", 3, 1, None),
        ("kanko", 1, 1, "@hh_kanko"),
        ("recent", 3, None, None),
        (scheduled, 3, 1, None),
    ]
    assert [b.scheduled for b in koho.backups] == [False, False, True]
    earlier = office.reports(office.ops).monthly(Month(month.year - 1, month.month))
    assert all(r.backups == () for r in earlier.reports)


def test_export_writes_each_format_whole(office: Office, tmp_path: Path) -> None:
    _december(office)
    service = office.reports(office.ops)
    document = service.monthly(DECEMBER)
    out = tmp_path / "out"
    out.mkdir()
    html = service.export(document, "html", out / "r.html").read_text("utf-8")
    assert 'data-count="2"' in html and "なりすまし" in html
    service.export(document, "csv", out / "r.csv")
    rows = list(csv.DictReader(io.StringIO((out / "r.csv").read_text("utf-8-sig"))))
    assert {r["key"]: r["count"] for r in rows if r["section"] == "posts" and r["account"] == "'@hh_koho"} == {
        "total": "4",
        "from_desk": "1",
    }
    pdf = service.export(document, "pdf", out / "r.pdf")
    text = "".join("".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "@hh_koho" in text and "議会で公表済みの内容のため" in text
    assert sorted(p.name for p in out.iterdir()) == ["r.csv", "r.html", "r.pdf"]  # no .partial left
    with pytest.raises(UserError, match="フォルダ"):
        service.export(document, "html", out)
    with pytest.raises(InvalidInput):
        service.export(document, "docx", out / "r.docx")


def test_an_empty_database_gives_an_empty_report(office: Office) -> None:
    document: ReportDocument = office.reports(office.ops).monthly(Month(2030, 1))
    assert [(r.account.name, r.posts.total, r.has_activity) for r in document.reports] == [
        ("@hh_kanko", 0, False),
        ("@hh_koho", 0, False),
    ]
