"""The monthly report as one self-contained HTML page: inline CSS, charts as inline SVG, no script, no
address outside the file, every text escaped (Jinja2 autoescape; the template is
``resources/report/monthly.html.j2``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .charts import Chart, findings_per_article, posts_per_week
from .model import ReportDocument, elapsed_text, jst_text, jst_text_weekday

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE_NAME = "monthly.html.j2"

_environment: Environment | None = None


def _number(value: float) -> str:
    """An SVG coordinate: at most one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _elapsed(value: dt.timedelta | None) -> str:
    return "" if value is None else elapsed_text(value)


def _jinja() -> Environment:
    global _environment
    if _environment is None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        from ...resources import resource_path

        environment = Environment(
            loader=FileSystemLoader(resource_path("report")),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.filters.update(
            jst=jst_text, jst_day=jst_text_weekday, elapsed=_elapsed, n=_number, count=lambda v: f"{v:,}"
        )
        _environment = environment
    return _environment


def charts(document: ReportDocument) -> list[tuple[Chart, Chart]]:
    """Each report's posts-per-week and findings-per-article charts, in the document's order."""
    return [(posts_per_week(r), findings_per_article(r)) for r in document.reports]


def render_html(document: ReportDocument) -> str:
    """The page (``lang="ja"``, A4 when printed, one section per account)."""
    views = list(zip(document.reports, charts(document), strict=True))
    return _jinja().get_template(TEMPLATE_NAME).render(doc=document, views=views)
