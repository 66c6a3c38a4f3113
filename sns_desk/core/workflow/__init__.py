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
    can_discard,
    can_edit,
    can_mark_posted,
    can_withdraw,
    confirm_rights,
    discard,
    mark_posted,
    reject,
    submit,
    unacknowledged_warnings,
    why_not_approve,
    why_not_discard,
    why_not_reject,
    why_not_submit,
    why_not_withdraw,
    withdraw,
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
    "can_discard",
    "can_edit",
    "can_mark_posted",
    "can_withdraw",
    "confirm_rights",
    "discard",
    "fingerprint",
    "mark_posted",
    "reject",
    "submit",
    "unacknowledged_warnings",
    "why_not_approve",
    "why_not_discard",
    "why_not_reject",
    "why_not_submit",
    "why_not_withdraw",
    "withdraw",
]
