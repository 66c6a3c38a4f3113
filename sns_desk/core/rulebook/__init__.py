"""The rulebook (第10条): rules as data the operations manager maintains."""

from .errors import RulebookError
from .loader import load_rulebook, parse_rulebook
from .model import Platform, Rule, Rulebook

__all__ = ["Platform", "Rule", "Rulebook", "RulebookError", "load_rulebook", "parse_rulebook"]
