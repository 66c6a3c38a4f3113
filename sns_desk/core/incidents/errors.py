"""Refusals of the incident rules (exit code 1 on the command line) and an incident that is not there."""

from __future__ import annotations

from ..errors import UserError
from ..workflow import WorkflowError


class IncidentError(WorkflowError):
    """A step the incident rules refuse, with the reason in Japanese."""


class IncidentNotFound(UserError):
    """No incident with that number (or none this person may see)."""
