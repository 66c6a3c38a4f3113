"""Drafts and their approval (第6条・第9条 in daily practice): states, permissions, rules.

Pure Python: the storage layer persists what these functions decide, and the GUI and the CLI
only show it, so every front end obeys the same rules.
"""

from .model import RIGHTS_CHECKLIST, Acknowledgement, Draft, DraftEventKind, DraftState, fingerprint
from .rules import (
    DraftNotFound,
    WorkflowError,
    acknowledge,
    approve,
    blocking_findings,
    can_approve,
    can_edit,
    can_mark_posted,
    confirm_rights,
    mark_posted,
    reject,
    submit,
    unacknowledged_warnings,
)

__all__ = [
    "RIGHTS_CHECKLIST",
    "Acknowledgement",
    "Draft",
    "DraftEventKind",
    "DraftNotFound",
    "DraftState",
    "WorkflowError",
    "acknowledge",
    "approve",
    "blocking_findings",
    "can_approve",
    "can_edit",
    "can_mark_posted",
    "confirm_rights",
    "fingerprint",
    "mark_posted",
    "reject",
    "submit",
    "unacknowledged_warnings",
]
