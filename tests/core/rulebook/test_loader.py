"""Reading rulebooks: every error is a RulebookError in Japanese naming the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sns_desk.core.checker import Checker
from sns_desk.core.rulebook import RulebookError, load_rulebook, parse_rulebook

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FILE = Path("rules") / "test-rulebook.yaml"

GOOD = """\
version: "2026.1"
title: テスト用ルールブック
lists:
  rude:
    - バカ
    - ^アホ
  warn:
    - やめよう
rules:
  - id: insult.test
    article: "7-1"
    severity: warning
    detector: lexicon
    message: >-
      人を傷つける言葉です。
      言い換えてください。
    words:
      - $rude
      - 片手落ち => 不公平
    unless:
      - $warn
  - id: link.quote
    article: "9-2-2"
    severity: warning
    detector: pattern
    message: 引用です
    params:
      patterns:
        - 'RT\\s*@\\w+'
"""


QUOTE_PATTERN = "- 'RT\\s*@\\w+'"  # the pattern item of link.quote, as it appears in GOOD


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line containing ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def raises(text: str, build: bool = False) -> RulebookError:
    with pytest.raises(RulebookError) as info:
        rulebook = parse_rulebook(text, FILE)
        if build:
            Checker(rulebook)
    return info.value


def assert_reported(err: RulebookError, line: int | None, *words: str) -> None:
    message = str(err)
    assert JAPANESE.search(message), message
    assert str(FILE) in message
    assert err.path == FILE
    assert err.line == line, message
    if line is not None:
        assert f"{line} 行目" in message
    for word in words:
        assert word in message
    assert err.message == message


class TestGoodRulebook:
    def test_parses(self) -> None:
        rulebook = parse_rulebook(GOOD, FILE)
        assert rulebook.version == "2026.1"
        assert rulebook.path == FILE
        assert [r.id for r in rulebook.rules] == ["insult.test", "link.quote"]
        rule = rulebook.rule("insult.test")
        assert rule.line == line_of(GOOD, "id: insult.test")
        assert rule.words == ("$rude", "片手落ち")
        assert rule.suggestions == {"片手落ち": "不公平"}
        assert rule.unless == ("$warn",)
        # Folded Japanese lines are joined without the space YAML puts between them.
        assert rule.message == "人を傷つける言葉です。言い換えてください。"
        assert rulebook.lists["rude"] == ("バカ", "^アホ")

    def test_builds_a_working_checker(self) -> None:
        checker = Checker(parse_rulebook(GOOD, FILE))
        text = "あいつはバカだ。RT @someone"
        assert [(f.rule, text[f.start : f.end]) for f in checker.check(text)] == [
            ("insult.test", "バカ"),
            ("link.quote", "RT @someone"),
        ]
        assert checker.check("バカなことはやめよう") == []
        (f,) = checker.check("片手落ちだ")
        assert f.suggestion == "不公平"

    def test_unknown_rule_id(self) -> None:
        with pytest.raises(KeyError):
            parse_rulebook(GOOD, FILE).rule("nope")

    def test_without_a_path(self) -> None:
        with pytest.raises(RulebookError) as info:
            parse_rulebook(GOOD.replace('article: "7-1"', 'article: "7-99"'))
        assert info.value.path is None
        assert "ルールブック" in str(info.value)


class TestYamlErrors:
    def test_syntax_error(self) -> None:
        text = GOOD.replace("    message: 引用です", "    message: [引用です")
        err = raises(text)
        assert_reported(err, line_of(text, "params:", 1), "YAML")

    def test_bad_indentation(self) -> None:
        text = GOOD.replace(
            "    severity: warning\n    detector: pattern", "    severity: warning\n   detector: pattern"
        )
        err = raises(text)
        assert_reported(err, line_of(text, "   detector: pattern"), "YAML")

    def test_tab_character(self) -> None:
        text = GOOD.replace("  - id: link.quote", "\t- id: link.quote")
        assert_reported(raises(text), line_of(text, "\t- id: link.quote"), "YAML")

    def test_duplicate_key(self) -> None:
        text = GOOD.replace("    detector: pattern\n", "    detector: pattern\n    detector: lexicon\n")
        assert_reported(raises(text), line_of(text, "detector: lexicon", 2), "detector", "重複")

    def test_not_a_mapping(self) -> None:
        assert_reported(raises("- a\n- b\n"), 1)

    def test_no_rules(self) -> None:
        text = 'version: "1"\nrules: []\n'
        assert_reported(raises(text), 2, "rules")

    def test_missing_version(self) -> None:
        text = GOOD.replace('version: "2026.1"\n', "")
        assert_reported(raises(text), 1, "version")


class TestRuleErrors:
    def test_unknown_article_code(self) -> None:
        text = GOOD.replace('article: "9-2-2"', 'article: "9-3"')
        assert_reported(raises(text), line_of(text, 'article: "9-3"'), "link.quote", "9-3")

    def test_article_written_as_a_number(self) -> None:
        text = GOOD.replace('article: "7-1"', "article: 7.1")
        assert_reported(raises(text), line_of(text, "article: 7.1"), "7.1")

    def test_bad_severity(self) -> None:
        text = GOOD.replace(
            "    severity: warning\n    detector: pattern", "    severity: fatal\n    detector: pattern"
        )
        assert_reported(raises(text), line_of(text, "severity: fatal"), "fatal", "error / warning / info")

    def test_duplicate_rule_id(self) -> None:
        text = GOOD.replace("id: link.quote", "id: insult.test")
        err = raises(text)
        assert_reported(err, line_of(text, "id: insult.test", 2), "insult.test")
        assert f"{line_of(text, 'id: insult.test', 1)} 行目と重複" in str(err)

    def test_bad_rule_id(self) -> None:
        text = GOOD.replace("id: link.quote", "id: Link Quote")
        assert_reported(raises(text), line_of(text, "id: Link Quote"), "Link Quote")

    def test_unknown_list_reference_inline(self) -> None:
        text = GOOD.replace("    unless:\n      - $warn\n", "    unless: [$warn, $nosuch]\n")
        assert_reported(raises(text), line_of(text, "$nosuch"), "$nosuch")

    def test_unknown_list_reference_points_at_the_item(self) -> None:
        text = GOOD.replace("      - $warn\n", "      - $warn\n      - $nosuch\n")
        assert_reported(raises(text), line_of(text, "- $nosuch"), "$nosuch")

    def test_word_that_is_not_a_string(self) -> None:
        text = GOOD.replace("      - 片手落ち => 不公平\n", "      - 片手落ち => 不公平\n      - [x]\n")
        assert_reported(raises(text), line_of(text, "      - [x]"), "3 番目")

    def test_incomplete_suggestion(self) -> None:
        text = GOOD.replace("片手落ち => 不公平", "片手落ち =>")
        assert_reported(raises(text), line_of(text, "    words:"), "片手落ち")

    def test_bad_list_name(self) -> None:
        text = GOOD.replace("  warn:\n", "  Warn List:\n").replace("$warn", "$rude")
        assert_reported(raises(text), line_of(text, "Warn List:"), "Warn List")

    def test_bad_platform_counting(self) -> None:
        text = GOOD + "platforms:\n  x:\n    name: X\n    counting: bytes\n    limit: 280\n    source: test\n"
        assert_reported(raises(text), line_of(text, "counting: bytes"), "bytes")

    def test_bad_platform_limit(self) -> None:
        text = GOOD + "platforms:\n  x:\n    name: X\n    counting: twitter\n    limit: -5\n    source: test\n"
        assert_reported(raises(text), line_of(text, "limit: -5"), "limit")


class TestErrorsFromTheChecker:
    """Rules the YAML allows but the code cannot honour are reported when the checker is built."""

    def test_unknown_detector_kind(self) -> None:
        text = GOOD.replace("detector: pattern", "detector: magic")
        err = raises(text, build=True)
        message = str(err)
        assert JAPANESE.search(message)
        assert str(FILE) in message
        assert "magic" in message and "link.quote" in message
        assert "lexicon" in message  # lists the kinds that exist
        assert err.line is not None
        assert line_of(text, "id: link.quote") <= err.line <= line_of(text, "detector: magic")

    def test_invalid_regex_in_a_pattern_detector(self) -> None:
        text = GOOD.replace(QUOTE_PATTERN, "- '(RT'")
        assert "'(RT'" in text
        err = raises(text, build=True)
        message = str(err)
        assert JAPANESE.search(message)
        assert str(FILE) in message
        assert "(RT" in message and "正規表現" in message
        assert err.line is not None
        assert line_of(text, "id: link.quote") <= err.line <= line_of(text, "'(RT'")

    def test_unknown_list_in_words(self) -> None:
        text = GOOD.replace("      - $rude\n", "      - $polite\n")
        err = raises(text, build=True)
        assert "$polite" in str(err)
        assert str(FILE) in str(err)

    def test_missing_patterns(self) -> None:
        text = GOOD.replace(f"    params:\n      patterns:\n        {QUOTE_PATTERN}\n", "")
        assert "patterns" not in text
        err = raises(text, build=True)
        assert "params.patterns" in str(err)

    def test_bad_scope(self) -> None:
        text = GOOD.replace(
            "    unless:\n      - $warn\n", "    unless:\n      - $warn\n    params:\n      scope: page\n"
        )
        err = raises(text, build=True)
        assert "scope" in str(err)

    @pytest.mark.parametrize(
        ("old", "new"),
        [("detector: pattern", "detector: magic"), (QUOTE_PATTERN, "- '(RT'")],
    )
    def test_points_at_the_offending_line(self, old: str, new: str) -> None:
        text = GOOD.replace(old, new)
        assert raises(text, build=True).line == line_of(text, new)


class TestFiles:
    def test_load_a_good_file(self, tmp_path: Path) -> None:
        path = tmp_path / "rulebook.yaml"
        path.write_text(GOOD, encoding="utf-8")
        assert load_rulebook(path).path == path

    def test_byte_order_mark_is_accepted(self, tmp_path: Path) -> None:
        path = tmp_path / "bom.yaml"
        path.write_bytes("\ufeff".encode() + GOOD.encode())
        assert load_rulebook(path).version == "2026.1"

    def test_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "nowhere" / "rulebook.yaml"
        with pytest.raises(RulebookError) as info:
            load_rulebook(path)
        message = str(info.value)
        assert str(path) in message
        assert JAPANESE.search(message)
        assert info.value.line is None
        assert "行目" not in message

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "sjis.yaml"
        path.write_bytes(GOOD.encode("shift_jis"))
        with pytest.raises(RulebookError) as info:
            load_rulebook(path)
        err = info.value
        # The first non-ASCII line of GOOD is the title.
        assert err.line == line_of(GOOD, "title:")
        assert str(path) in str(err)
        assert f"{err.line} 行目" in str(err)
        assert "UTF-8" in str(err)

    def test_stray_byte_further_down(self, tmp_path: Path) -> None:
        path = tmp_path / "broken.yaml"
        data = GOOD.encode().replace("引用です".encode(), b"\xff\xfe")
        path.write_bytes(data)
        with pytest.raises(RulebookError) as info:
            load_rulebook(path)
        assert info.value.line == line_of(GOOD, "引用です")

    def test_yaml_error_in_a_file_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "syntax.yaml"
        text = GOOD.replace('article: "7-1"', 'article: "7-1')
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RulebookError) as info:
            load_rulebook(path)
        assert str(path) in str(info.value)
        assert info.value.line is not None

    def test_too_large(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.yaml"
        path.write_bytes(GOOD.encode() + b"#" * (5 * 1024 * 1024))
        with pytest.raises(RulebookError) as info:
            load_rulebook(path)
        assert str(path) in str(info.value)
        assert "5 MB" in str(info.value)
