"""Monthly reports (月次報告): what happened on each of the city's accounts in a month, in Japan time.

Pure Python: :func:`monthly_report` computes a :class:`MonthlyReport` from plain facts (the service reads
them from storage), and :func:`render` writes a :class:`ReportDocument` as HTML, CSV or PDF.
"""

from __future__ import annotations

from typing import Final

from .model import (
    LISTED_STATUSES,
    AcknowledgementFact,
    ArticleFindings,
    AuditHead,
    BackupFact,
    CorrectionFact,
    DraftStats,
    DraftStep,
    DraftStepFact,
    IncidentReport,
    ModerationCount,
    ModerationLine,
    ModerationStats,
    Month,
    MonthlyReport,
    PlatformCount,
    PostFact,
    PostStats,
    ReportDocument,
    ReportRefused,
    StepCount,
    StepReport,
    WeekCount,
    elapsed_minutes,
    elapsed_text,
    incident_in_month,
    jst_text,
    monthly_report,
    reportable,
    why_not_report,
)

FORMATS: Final = ("html", "csv", "pdf")


def render(document: ReportDocument, fmt: str) -> bytes:
    """The file's bytes in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "html":
        from .html import render_html

        return render_html(document).encode("utf-8")
    if fmt == "csv":
        from .table import render_csv

        return render_csv(document)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(document)
    raise ValueError(f"unknown report format {fmt!r}")


__all__ = [
    "FORMATS",
    "LISTED_STATUSES",
    "AcknowledgementFact",
    "ArticleFindings",
    "AuditHead",
    "BackupFact",
    "CorrectionFact",
    "DraftStats",
    "DraftStep",
    "DraftStepFact",
    "IncidentReport",
    "ModerationCount",
    "ModerationLine",
    "ModerationStats",
    "Month",
    "MonthlyReport",
    "PlatformCount",
    "PostFact",
    "PostStats",
    "ReportDocument",
    "ReportRefused",
    "StepCount",
    "StepReport",
    "WeekCount",
    "elapsed_minutes",
    "elapsed_text",
    "incident_in_month",
    "jst_text",
    "monthly_report",
    "render",
    "reportable",
    "why_not_report",
]
