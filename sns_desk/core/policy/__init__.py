"""Usage policies (利用方針) of the official accounts (第4条第4項): templates, validation, rendering.

Pure Python: no Qt, no database. Fonts and templates come from ``resources/``.
"""

from .diff import DiffRow, ItemDiff, diff_lines, diff_policies, diff_to_html
from .items import ITEM_IDS, ITEMS, PolicyItem, find_item, item
from .model import (
    AccountFacts,
    Contact,
    Policy,
    PolicyFormatError,
    ValidationProblem,
    policy_from_json,
    policy_to_json,
)
from .render import edition_lines, parse_blocks, to_docx, to_html_fragment, to_html_page, to_pdf, wrap_line
from .templates import (
    PolicyTemplate,
    PolicyTemplateError,
    default_policy,
    fill,
    load_template,
    template_for,
    template_kind,
    template_kinds,
)
from .validate import TextChecker, has_errors, validate

__all__ = [
    "ITEMS",
    "ITEM_IDS",
    "AccountFacts",
    "Contact",
    "DiffRow",
    "ItemDiff",
    "Policy",
    "PolicyFormatError",
    "PolicyItem",
    "PolicyTemplate",
    "PolicyTemplateError",
    "TextChecker",
    "ValidationProblem",
    "default_policy",
    "diff_lines",
    "diff_policies",
    "diff_to_html",
    "edition_lines",
    "fill",
    "find_item",
    "has_errors",
    "item",
    "load_template",
    "parse_blocks",
    "policy_from_json",
    "policy_to_json",
    "template_for",
    "template_kind",
    "template_kinds",
    "to_docx",
    "to_html_fragment",
    "to_html_page",
    "to_pdf",
    "validate",
    "wrap_line",
]
