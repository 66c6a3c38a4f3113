"""CheckerProvider: a broken rulebook never replaces the checker in use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sns_desk.core.checker import CheckContext, CheckerProvider
from sns_desk.core.rulebook import RulebookError

RULEBOOK = """\
version: "{version}"
rules:
  - id: insult.small
    article: "7-1"
    severity: warning
    detector: lexicon
    message: 人を傷つける言葉です。
    words:
{words}
"""
CONTEXT = CheckContext(post_date=dt.date(2026, 11, 20))
SAMPLE = "あいつはバカだしアホだ"


def write(path: Path, version: str, *words: str) -> Path:
    path.write_text(RULEBOOK.format(version=version, words="".join(f"      - {w}\n" for w in words)), encoding="utf-8")
    return path


def found(provider: CheckerProvider) -> list[tuple[str, str]]:
    return [(f.rule, SAMPLE[f.start : f.end]) for f in provider.checker.check(SAMPLE, CONTEXT)]


@pytest.fixture
def provider(tmp_path: Path) -> CheckerProvider:
    return CheckerProvider(write(tmp_path / "v1.yaml", "1", "バカ"))


def test_initial_load(provider: CheckerProvider, tmp_path: Path) -> None:
    assert provider.path == tmp_path / "v1.yaml"
    assert provider.last_error is None
    assert provider.checker.rulebook.version == "1"
    assert found(provider) == [("insult.small", "バカ")]


def test_broken_initial_file_raises(tmp_path: Path) -> None:
    with pytest.raises(RulebookError):
        CheckerProvider(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "breakage",
    [
        "syntax",
        "unknown_article",
        "unknown_detector",
        "not_utf8",
        "missing",
    ],
)
def test_broken_file_keeps_the_previous_checker(provider: CheckerProvider, tmp_path: Path, breakage: str) -> None:
    before = found(provider)
    checker_before = provider.checker
    path = tmp_path / "broken.yaml"
    good = RULEBOOK.format(version="2", words="      - アホ\n")
    if breakage == "syntax":
        path.write_text(good.replace("message: 人を", "message: [人を"), encoding="utf-8")
    elif breakage == "unknown_article":
        path.write_text(good.replace('"7-1"', '"7-42"'), encoding="utf-8")
    elif breakage == "unknown_detector":
        path.write_text(good.replace("detector: lexicon", "detector: telepathy"), encoding="utf-8")
    elif breakage == "not_utf8":
        path.write_bytes(good.encode("cp932"))
    # "missing": the file is never written.

    error = provider.load(path)

    assert isinstance(error, RulebookError)
    assert str(path) in str(error)
    assert provider.last_error is error
    assert provider.checker is checker_before
    assert provider.path == tmp_path / "v1.yaml"
    assert found(provider) == before == [("insult.small", "バカ")]


def test_good_file_replaces_the_checker(provider: CheckerProvider, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [\n", encoding="utf-8")
    assert provider.load(broken) is not None
    assert provider.last_error is not None

    v2 = write(tmp_path / "v2.yaml", "2", "アホ")
    assert provider.load(v2) is None

    assert provider.last_error is None
    assert provider.path == v2
    assert provider.checker.rulebook.version == "2"
    assert found(provider) == [("insult.small", "アホ")]


def test_reloading_the_same_path_after_an_edit(provider: CheckerProvider, tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    write(path, "1.1", "バカ", "アホ")
    assert provider.load(path) is None
    assert found(provider) == [("insult.small", "バカ"), ("insult.small", "アホ")]
