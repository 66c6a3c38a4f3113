"""Incidents (第8条 トラブルへの対応, 第9条 誤りの訂正): kinds, checklists, the rules, generated texts.

Pure Python: the services store what these functions decide and the front ends only show it.
"""

from . import rules
from .catalog import Checklist, IncidentCatalog, IncidentCatalogError, TextSpec, default_directory, load_catalog
from .errors import IncidentError, IncidentNotFound
from .model import (
    Event,
    EventKind,
    Evidence,
    EvidenceKind,
    Incident,
    IncidentKind,
    IncidentStatus,
    IncidentSummary,
    LinkedDraft,
    Step,
    StepState,
    StepStatus,
    TextKind,
    jst_date_text,
    jst_text,
    step_states,
)
from .texts import AccountFacts, GeneratedText, render_text, text_context

__all__ = [
    "AccountFacts",
    "Checklist",
    "Event",
    "EventKind",
    "Evidence",
    "EvidenceKind",
    "GeneratedText",
    "Incident",
    "IncidentCatalog",
    "IncidentCatalogError",
    "IncidentError",
    "IncidentKind",
    "IncidentNotFound",
    "IncidentStatus",
    "IncidentSummary",
    "LinkedDraft",
    "Step",
    "StepState",
    "StepStatus",
    "TextKind",
    "TextSpec",
    "default_directory",
    "jst_date_text",
    "jst_text",
    "load_catalog",
    "render_text",
    "rules",
    "step_states",
    "text_context",
]
