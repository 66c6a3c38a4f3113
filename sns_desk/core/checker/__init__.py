"""The guideline checker (第6条・第7条・第9条). Pure Python: no Qt, no database."""

from .engine import Checker
from .finding import CheckContext, Finding, Severity
from .length import Length, measure
from .provider import CheckerProvider, default_checker

__all__ = [
    "CheckContext",
    "Checker",
    "CheckerProvider",
    "Finding",
    "Length",
    "Severity",
    "default_checker",
    "measure",
]
