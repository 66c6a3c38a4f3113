"""The checklists of the five kinds are data (resources/incidents): what the bundled ones hold, and that a
broken edit is refused with the file, the line and the problem in Japanese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sns_desk.core.incidents import IncidentCatalogError, IncidentKind, TextKind, load_catalog
from sns_desk.core.incidents.catalog import default_directory


def _steps(kind: IncidentKind) -> dict[str, tuple[bool, str]]:
    return {s.id: (s.required, s.article) for s in load_catalog().checklist(kind).steps}


def test_every_kind_has_a_checklist_and_the_folder_a_digest() -> None:
    catalog = load_catalog()
    assert set(catalog.checklists) == set(IncidentKind)
    assert catalog.city == "東広島市" and re.fullmatch(r"[0-9a-f]{64}", catalog.digest)
    for checklist in catalog.checklists.values():
        assert checklist.steps and checklist.summary
        assert any(step.required for step in checklist.steps)


@pytest.mark.parametrize("kind", [IncidentKind.IMPERSONATION, IncidentKind.TAKEOVER])
def test_impersonation_and_takeover_follow_article_8_paragraph_1(kind: IncidentKind) -> None:
    steps = _steps(kind)
    # Report to the operations manager, ask the platform, announce on the homepage: always. The press: where needed.
    for required in ("report", "platform_request", "homepage_notice"):
        assert steps[required][0] is True and "第8条第1項" in steps[required][1]
    assert steps["press"] == (False, "第8条第1項")
    texts = load_catalog().checklist(kind).texts
    assert set(texts) == {TextKind.NOTICE, TextKind.PRESS, TextKind.POST}


def test_a_takeover_also_locks_the_intruder_out() -> None:
    steps = _steps(IncidentKind.TAKEOVER)
    for required in ("change_password", "check_sessions", "check_linked_apps"):
        assert steps[required][0] is True


def test_flaming_follows_article_8_paragraph_2() -> None:
    steps = _steps(IncidentKind.FLAMING)
    assert steps["no_rebuttal"][0] is True and "第8条第2項" in steps["no_rebuttal"][1]
    # Explanation, correction or apology and "it will take time" only where needed, but decided.
    assert steps["explain"][0] is False and steps["time_needed"][0] is False
    assert TextKind.POST in load_catalog().checklist(IncidentKind.FLAMING).texts


def test_a_mistaken_post_is_corrected_as_article_9_asks() -> None:
    steps = _steps(IncidentKind.MISTAKE)
    assert steps["correction_post"] == (True, "第9条第1項")
    assert load_catalog().checklist(IncidentKind.MISTAKE).steps[2].text is TextKind.POST


def test_every_step_cites_an_article_in_the_guideline_form() -> None:
    for checklist in load_catalog().checklists.values():
        for step in checklist.steps:
            assert step.article, step.id
            for part in step.article.split("、"):
                assert re.fullmatch(r"第([1-9]|10)条(第\d項)?(第\d+号)?", part), (checklist.kind, step.id, part)


GUIDELINE = Path(__file__).resolve().parents[4] / "shared" / "guideline" / "guideline-ja.txt"


@pytest.mark.skipif(not GUIDELINE.is_file(), reason="the guideline text is not next to the checkout")
def test_no_sentence_of_the_guideline_is_copied() -> None:
    """Checklists and texts say things in their own words: no run of 14 characters of the guideline appears."""
    lines = GUIDELINE.read_text(encoding="utf-8").splitlines()[2:]  # not the title
    runs = {line[i : i + 14] for line in lines for i in range(max(0, len(line) - 13))}
    folder = default_directory()
    for path in [*folder.glob("*.yaml"), *(folder / "texts").glob("*.j2")]:
        text = path.read_text(encoding="utf-8")
        copied = sorted(run for run in runs if run in text)
        assert not copied, (path.name, copied[:3])


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(folder: Path, name: str, needle: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_a_duplicate_step_is_refused_naming_the_line(catalog_copy: Path) -> None:
    _edit(catalog_copy, "mistake.yaml", "- id: report", "- id: link_post")
    line = _line_of(catalog_copy, "mistake.yaml", "title: 運用管理者(広報戦略担当)へ報告する") - 1
    with pytest.raises(IncidentCatalogError) as refused:
        load_catalog(catalog_copy)
    assert refused.value.line == line
    assert refused.value.message == (
        f"事案のチェックリストを読み込めません: {catalog_copy / 'mistake.yaml'} の {line} 行目: "
        f"手順の識別子「link_post」は {_line_of(catalog_copy, 'mistake.yaml', '- id: link_post')} 行目と重複しています"
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "    required: true\n    article: 第8条第2項、第6条第7号",
            "    required: はい\n    article: 第8条第2項、第6条第7号",
            "必須かどうか(required)を true か false で書いてください",
        ),
        ("    article: 第8条第2項、第6条第7号", "    article: 第8条第2項、8-2", "条項「8-2」はガイドラインの条項の形"),
        ("    article: 第8条第2項、第6条第7号", "    articel: 第8条第2項", "知らないキー「articel」"),
        ("    text: post\n  - id: explain", "    text: press\n  - id: explain", "文案「press」は、この種類の文案"),
        ("  - id: no_rebuttal", "  - id: No-Rebuttal", "英小文字で始まる"),
        ("template: flaming_post.txt.j2", "template: missing.txt.j2", "ひな形 texts/missing.txt.j2 がありません"),
        ("kind: flaming", "kind: mistake", "種類「mistake」がファイル名(flaming)と合っていません"),
        ("  - id: no_rebuttal\n", "  - id: no_rebuttal\n   bad indent\n", "YAML の書式に誤りがあります"),
    ],
)
def test_a_broken_checklist_names_file_line_and_problem(catalog_copy: Path, old: str, new: str, problem: str) -> None:
    _edit(catalog_copy, "flaming.yaml", old, new)
    with pytest.raises(IncidentCatalogError) as refused:
        load_catalog(catalog_copy)
    assert problem in refused.value.message
    assert str(catalog_copy / "flaming.yaml") in refused.value.message
    assert refused.value.line is not None and " 行目: " in refused.value.message


def test_a_checklist_not_in_utf8_is_named(catalog_copy: Path) -> None:
    path = catalog_copy / "other.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    with pytest.raises(IncidentCatalogError, match=r"other.yaml の \d+ 行目: 文字コードが UTF-8 ではありません"):
        load_catalog(catalog_copy)


def test_a_missing_kind_file_is_named(catalog_copy: Path) -> None:
    (catalog_copy / "takeover.yaml").unlink()
    with pytest.raises(IncidentCatalogError, match=r"takeover.yaml: ファイルがありません"):
        load_catalog(catalog_copy)


def test_a_template_with_a_syntax_error_is_named_with_its_line(catalog_copy: Path) -> None:
    path = catalog_copy / "texts" / "mistake_post.txt.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{% if message %}\n閉じていない\n", encoding="utf-8")
    with pytest.raises(IncidentCatalogError) as refused:
        load_catalog(catalog_copy)
    assert refused.value.message.startswith(f"事案の文案のひな形を読み込めません: {path} の ")
    assert refused.value.line is not None and refused.value.line >= len(path.read_text().splitlines()) - 1


def test_a_template_naming_an_unknown_fact_is_found_when_the_folder_is_read(catalog_copy: Path) -> None:
    path = catalog_copy / "texts" / "impersonation_post.txt.j2"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{{ account.phone_number }}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IncidentCatalogError) as refused:
        load_catalog(catalog_copy)
    assert refused.value.line == 3
    assert "phone_number" in refused.value.message and str(path) in refused.value.message


def test_an_edited_folder_is_read_again(catalog_copy: Path) -> None:
    first = load_catalog(catalog_copy)
    _edit(catalog_copy, "other.yaml", "title: 対応の方針を決める", "title: 対応の方針を課内で決める")
    second = load_catalog(catalog_copy)
    assert second.digest != first.digest
    assert second.checklist(IncidentKind.OTHER).steps[1].title == "対応の方針を課内で決める"
    assert load_catalog(catalog_copy) is second  # unchanged: not read again
