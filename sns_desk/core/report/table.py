"""The monthly report as CSV for Excel: UTF-8 with a BOM, one row per fact, the same columns everywhere.

Every row says which report it belongs to (``month``, ``account``) and what it is (``section``, ``key``), so
an Excel filter on ``section`` gives one table of the report. Counts are plain integers; every text cell
goes through :func:`~sns_desk.core.spreadsheet.inert_cell`, so a name or a reason that starts like a
formula (``=``, ``+``, ``-``, ``@`` …; account names such as ``@hh_koho`` too) is shown, never evaluated.

========================  ==========================================================================
section                   rows
========================  ==========================================================================
``report``                ``generated_at`` (when, by whom), ``audit_records`` (count), ``audit_head`` (detail)
``account``               ``platform``, ``department``, ``manager``, ``status`` (detail)
``posts``                 ``total``, ``from_desk`` (count)
``posts_week``            one per week, key ``2026-12-01..2026-12-06`` (count)
``posts_platform``        one per platform, key the platform's id (count)
``off_terminal``          one per post from outside a city terminal (第5条): when, author, reason
``drafts``                ``submitted``, ``approved``, ``returned``, ``discarded`` (count: times) and
                          ``…_drafts`` (count: different drafts)
``findings_article``      one per article, key and article the code (``7-5``; "" unknown), count
``finding``               one per acknowledged warning: key the rule, when, by, article, draft_id, reason
``incident``              one per incident: key its number, label the kind, when found, by whom, article,
                          state (対応中 / 終了), detail the description
``incident_step``         key ``N:reported``, ``N:<step id>``, ``N:closed``: when, elapsed_min from found,
                          by, state (済み / 不要 / 未了), detail the note or reason
``backup``                one per package: key its name, count its items, when, by, state (定期 / 書き出し),
                          detail the scope
``backup_account_items``  key the package: the account's own items in it, where the records say
``correction``            one per correction posted in the month (第9条): key its archive id, label 訂正,
                          when posted, detail its opening words, ref its URL
``correction_original``   the post each correction corrects: key ``<correction id>:<original id>``, label
                          原文, when it was posted, detail its opening words, ref its URL
``moderation_action``     ``delete`` (削除), ``hide`` (非表示): the standing actions (count)
``moderation_item``       one per usage-policy item with standing actions: key the item's id, label its
                          label (count)
``moderation``            one per entry acted on in the month: key its number, label 削除 / 非表示 / 取消,
                          count 1 when it stands (0: superseded by a later entry, or a 取消), when acted,
                          by who recorded (decided) it, state the policy item's label, detail the reason,
                          ref the comment's author; superseded and 取消 entries say why in ``note``
========================  ==========================================================================

``ref`` and ``note`` are the last two columns (``ref``: the URL or handle a row is about; ``note``: why a
row is not counted, or which earlier entry it corrects).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Final

from ..spreadsheet import inert_cell
from .model import ReportDocument, StepReport, elapsed_minutes, jst_text

COLUMNS: Final = (
    "month",
    "account",
    "section",
    "key",
    "label",
    "count",
    "at_jst",
    "elapsed_min",
    "by",
    "article",
    "draft_id",
    "state",
    "detail",
    "ref",
    "note",
)
_NUMERIC: Final = frozenset({"count", "elapsed_min", "draft_id"})


def rows(document: ReportDocument) -> Iterator[dict[str, object]]:
    """Every fact of ``document`` as a row (values not yet made safe for Excel)."""
    month = str(document.month)
    yield {
        "month": month,
        "section": "report",
        "key": "generated_at",
        "label": "作成",
        "at_jst": jst_text(document.generated_at),
        "by": document.generated_by,
    }
    yield {
        "month": month,
        "section": "report",
        "key": "audit_records",
        "label": "監査記録の件数",
        "count": document.audit.records,
    }
    yield {
        "month": month,
        "section": "report",
        "key": "audit_head",
        "label": "監査記録の最新のハッシュ",
        "detail": document.audit.last_hash,
    }
    for r in document.reports:
        base = {"month": month, "account": r.account.name}
        a = r.account
        for key, label, value in (
            ("platform", "媒体", r.platform_label),
            ("department", "所属", a.department),
            ("manager", "アカウント管理者", a.manager),
            ("status", "状態", a.status.label),
        ):
            yield {**base, "section": "account", "key": key, "label": label, "detail": value}
        yield {**base, "section": "posts", "key": "total", "label": "投稿数", "count": r.posts.total}
        yield {
            **base,
            "section": "posts",
            "key": "from_desk",
            "label": "うち投稿デスクから",
            "count": r.posts.from_desk,
        }
        for w in r.posts.weeks:
            yield {
                **base,
                "section": "posts_week",
                "key": f"{w.first.isoformat()}..{w.last.isoformat()}",
                "label": w.label,
                "count": w.count,
            }
        for p in r.posts.platforms:
            yield {**base, "section": "posts_platform", "key": p.platform, "label": p.label, "count": p.count}
        for post in r.posts.off_terminal:
            yield {
                **base,
                "section": "off_terminal",
                "key": post.item_id,
                "label": "市の端末以外からの投稿(第5条)",
                "at_jst": jst_text(post.posted_at),
                "by": post.author,
                "detail": post.off_terminal_reason,
            }
        for key, label, step in r.drafts.rows():
            yield {**base, "section": "drafts", "key": key, "label": f"{label}(回数)", "count": step.times}
            yield {
                **base,
                "section": "drafts",
                "key": f"{key}_drafts",
                "label": f"{label}(投稿案の件数)",
                "count": step.drafts,
            }
        for group in r.findings:
            yield {
                **base,
                "section": "findings_article",
                "key": group.article,
                "label": group.label,
                "count": group.count,
                "article": group.article,
            }
        for group in r.findings:
            for f in group.items:
                yield {
                    **base,
                    "section": "finding",
                    "key": f.rule,
                    "label": group.label,
                    "at_jst": jst_text(f.at),
                    "by": f.by,
                    "article": f.article,
                    "draft_id": f.draft_id,
                    "detail": f.reason,
                }
        for i in r.incidents:
            yield {
                **base,
                "section": "incident",
                "key": i.id,
                "label": i.kind_label,
                "at_jst": jst_text(i.found_at),
                "by": i.found_by,
                "article": i.article,
                "state": i.status_label,
                "detail": i.description,
            }
            yield {
                **base,
                "section": "incident_step",
                "key": f"{i.id}:reported",
                "label": "報告(受付)",
                "at_jst": jst_text(i.reported_at),
                "elapsed_min": elapsed_minutes(i.reported_after),
                "by": i.reported_by,
                "state": "済み",
            }
            for s in i.steps:
                yield {**base, **_step(i.id, s)}
            closed = i.closed_after
            yield {
                **base,
                "section": "incident_step",
                "key": f"{i.id}:closed",
                "label": "終了",
                "at_jst": jst_text(i.closed_at) if i.closed_at else "",
                "elapsed_min": "" if closed is None else elapsed_minutes(closed),
                "by": i.closed_by,
                "state": "未了" if i.is_open else "済み",
            }
        for b in r.backups:
            scope = f"このアカウントのみ({b.account})" if b.account else "全アカウント"
            if b.since is not None:
                scope += f"、{jst_text(b.since)} 以降の投稿"
            yield {
                **base,
                "section": "backup",
                "key": b.name,
                "label": "バックアップ",
                "count": b.items,
                "at_jst": jst_text(b.at),
                "by": b.by,
                "state": "定期" if b.scheduled else "書き出し",
                "detail": scope,
            }
            if b.account_items is not None:
                yield {
                    **base,
                    "section": "backup_account_items",
                    "key": b.name,
                    "label": "このアカウントの投稿",
                    "count": b.account_items,
                }
        for c in r.corrections:
            yield {
                **base,
                "section": "correction",
                "key": str(c.correction.id),
                "label": "訂正",
                "at_jst": jst_text(c.correction.posted_at),
                "detail": c.correction.excerpt,
                "ref": c.correction.url,
            }
            yield {
                **base,
                "section": "correction_original",
                "key": f"{c.correction.id}:{c.original.id}",
                "label": "原文",
                "at_jst": jst_text(c.original.posted_at),
                "detail": c.original.excerpt,
                "ref": c.original.url,
            }
        m = r.moderation
        for count in m.by_action if m.lines else ():
            yield {**base, "section": "moderation_action", "key": count.key, "label": count.label, "count": count.count}
        for count in m.by_item:
            yield {**base, "section": "moderation_item", "key": count.key, "label": count.label, "count": count.count}
        for line in m.lines:
            e = line.entry
            yield {
                **base,
                "section": "moderation",
                "key": str(e.id),
                "label": line.action_label,
                "count": 1 if line.counted else 0,
                "at_jst": jst_text(e.acted_at),
                "by": e.recorded_by,
                "state": line.policy_label,
                "detail": e.reason,
                "ref": e.author_handle,
                "note": line.note,
            }


def _step(incident_id: int, s: StepReport) -> dict[str, object]:
    return {
        "section": "incident_step",
        "key": f"{incident_id}:{s.id}",
        "label": s.title + ("(必須)" if s.required else ""),
        "at_jst": jst_text(s.at) if s.at else "",
        "elapsed_min": "" if s.elapsed is None else elapsed_minutes(s.elapsed),
        "by": s.by,
        "state": s.status_label,
        "detail": s.note,
    }


def _cell(column: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if column in _NUMERIC and isinstance(value, int):
        return str(value)
    return inert_cell(str(value))


def render_csv(document: ReportDocument) -> bytes:
    """The CSV file's bytes: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(document):
        writer.writerow([_cell(column, row.get(column)) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
