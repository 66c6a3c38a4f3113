"""The rulebook shipped with the application."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sns_desk.core.checker import Checker
from sns_desk.core.checker.detectors import DETECTORS
from sns_desk.core.rulebook import Rulebook, load_rulebook
from sns_desk.resources import default_rulebook_path

# The article codes of the evaluation README's table (第6条・第7条・第9条).
README_ARTICLES = {
    "6-5", "6-6", "7-1", "7-2", "7-3", "7-4", "7-5", "7-6", "7-7", "7-8", "7-9", "9-2-1", "9-2-2",
}  # fmt: skip
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(default_rulebook_path())


def test_loads(rulebook: Rulebook) -> None:
    assert rulebook.version
    assert rulebook.path == default_rulebook_path()
    assert len(rulebook.rules) >= 20


def test_rule_ids_are_unique(rulebook: Rulebook) -> None:
    counts = Counter(rule.id for rule in rulebook.rules)
    assert [rid for rid, n in counts.items() if n > 1] == []


def test_every_article_is_in_the_readme_table(rulebook: Rulebook) -> None:
    assert {rule.article for rule in rulebook.rules} <= README_ARTICLES


def test_every_article_has_a_rule(rulebook: Rulebook) -> None:
    assert {rule.article for rule in rulebook.rules} == README_ARTICLES


def test_every_detector_kind_exists(rulebook: Rulebook) -> None:
    assert {rule.detector for rule in rulebook.rules} <= set(DETECTORS)


def test_messages_are_japanese(rulebook: Rulebook) -> None:
    for rule in rulebook.rules:
        assert JAPANESE.search(rule.message), rule.id
        assert rule.severity in ("error", "warning", "info")
        assert rule.line > 0


def test_rule_lines_point_at_the_rule(rulebook: Rulebook) -> None:
    lines = default_rulebook_path().read_text(encoding="utf-8").splitlines()
    for rule in rulebook.rules:
        assert f"id: {rule.id}" in lines[rule.line - 1], rule.id


def test_city_settings(rulebook: Rulebook) -> None:
    assert rulebook.city.phones
    assert "city.higashihiroshima.lg.jp" in rulebook.city.domains
    assert "*.lg.jp" in rulebook.allowed_domains
    assert "*.go.jp" in rulebook.allowed_domains


def test_platforms(rulebook: Rulebook) -> None:
    assert rulebook.platforms["x"].counting == "twitter"
    assert rulebook.platforms["x"].limit == 280
    assert rulebook.platforms["bluesky"].counting == "graphemes"
    assert rulebook.platforms["line"].counting == "utf16"
    assert rulebook.platforms["instagram"].max_hashtags == 5
    for platform in rulebook.platforms.values():
        assert platform.source, platform.id


def test_builds_a_checker(rulebook: Rulebook) -> None:
    checker = Checker(rulebook)
    assert checker.rulebook is rulebook
