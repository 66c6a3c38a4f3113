"""Reading a rulebook file: YAML with line numbers kept for every error message."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import RulebookError
from .model import ARTICLES, COUNTING_RULES, SEVERITIES, CitySettings, Platform, Rule, Rulebook

MAX_RULEBOOK_BYTES = 5 * 1024 * 1024
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# YAML's folded scalars (>-) join lines with a space; Japanese text has none between words.
_FOLD_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list[Any]):
    line: int = 0
    lines: list[int]


# libyaml's loader when PyYAML has it (≈ 10× faster on the bundled rulebook), with the same marks.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise RulebookError(None, key_node.start_mark.line + 1, f"キー「{key}」が重複しています")
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_rulebook(path: Path) -> Rulebook:
    """Read and validate ``path``; raise :class:`RulebookError` naming file, line and problem."""
    try:
        size = path.stat().st_size
    except OSError:
        raise RulebookError(path, None, "ファイルが見つからないか、開けません") from None
    if size > MAX_RULEBOOK_BYTES:
        raise RulebookError(path, None, f"ファイルが大きすぎます({size:,} バイト)。5 MB 以下にしてください")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise RulebookError(path, line, "文字コードが UTF-8 ではありません。UTF-8 で保存してください") from None
    except OSError:
        raise RulebookError(path, None, "ファイルを読み込めません") from None
    return parse_rulebook(text, path)


def parse_rulebook(text: str, path: Path | None = None) -> Rulebook:
    try:
        data = yaml.load(text, Loader=_Loader)
    except RulebookError as exc:
        raise RulebookError(path, exc.line, exc.problem) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = exc.problem or exc.context or ""
        raise RulebookError(path, line, f"YAML の書式に誤りがあります({detail})") from None
    except yaml.YAMLError as exc:
        raise RulebookError(path, None, f"YAML として読めません({exc})") from None
    rulebook = _Validator(path).rulebook(data)
    return dataclasses.replace(rulebook, digest=hashlib.sha256(text.encode("utf-8")).hexdigest())


class _Validator:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def fail(self, line: int | None, problem: str) -> RulebookError:
        return RulebookError(self.path, line, problem)

    def mapping(self, value: Any, line: int | None, what: str) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.fail(line, f"{what} は「キー: 値」の形で書いてください")
        return value

    def text(self, data: LineDict, key: str, what: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(data.line, f"{what}({key})がありません")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(data.lines.get(key, data.line), f"{what}({key})は文字列で書いてください")
        return str(value)

    def strings(self, data: LineDict, key: str, what: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        line = data.lines.get(key, data.line)
        if not isinstance(value, list):
            raise self.fail(line, f"{what}({key})は一覧(- で始まる行)で書いてください")
        out = []
        for i, item in enumerate(value):
            item_line = value.lines[i] if isinstance(value, LineList) else line
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise self.fail(item_line, f"{what}({key})の {i + 1} 番目が文字列ではありません")
            word = str(item).strip()
            if not word:
                raise self.fail(item_line, f"{what}({key})の {i + 1} 番目が空です")
            out.append(word)
        return tuple(out)

    def rulebook(self, data: Any) -> Rulebook:
        root = self.mapping(data, 1, "ルールブック全体")
        version = self.text(root, "version", "版番号")
        title = self.text(root, "title", "表題", required=False)
        city_raw = root.get("city") or LineDict()
        city_map = self.mapping(city_raw, root.lines.get("city"), "市の情報(city)")
        city = CitySettings(
            name=self.text(city_map, "name", "市の名前", required=False),
            phones=self.strings(city_map, "phones", "市の電話番号"),
            addresses=self.strings(city_map, "addresses", "市の住所"),
            domains=self.strings(city_map, "domains", "市のドメイン"),
        )
        lists = self.lists(root)
        platforms = self.platforms(root)
        rules = self.rules(root, lists)
        return Rulebook(
            version=version,
            title=title,
            path=self.path,
            city=city,
            allowed_domains=self.strings(root, "allowed_domains", "許可するドメイン"),
            platforms=platforms,
            lists=lists,
            rules=rules,
        )

    def lists(self, root: LineDict) -> dict[str, tuple[str, ...]]:
        raw = root.get("lists")
        if raw is None:
            return {}
        lists = self.mapping(raw, root.lines.get("lists"), "語リスト(lists)")
        out: dict[str, tuple[str, ...]] = {}
        for name in lists:
            if not isinstance(name, str) or not _ID.match(name):
                raise self.fail(
                    lists.lines.get(name), f"語リストの名前「{name}」には英小文字・数字・_ を使ってください"
                )
            out[name] = self.strings(lists, name, f"語リスト {name}")
        return out

    def platforms(self, root: LineDict) -> dict[str, Platform]:
        raw = root.get("platforms")
        if raw is None:
            return {}
        table = self.mapping(raw, root.lines.get("platforms"), "プラットフォーム(platforms)")
        out: dict[str, Platform] = {}
        for pid, value in table.items():
            entry = self.mapping(value, table.lines.get(pid), f"プラットフォーム {pid}")
            counting = self.text(entry, "counting", f"{pid} の数え方")
            if counting not in COUNTING_RULES:
                raise self.fail(
                    entry.lines.get("counting"),
                    f"{pid} の数え方「{counting}」は使えません({' / '.join(COUNTING_RULES)} のいずれか)",
                )
            limit = self.positive(entry, "limit", f"{pid} の文字数上限")
            max_tags = self.positive(entry, "max_hashtags", f"{pid} のハッシュタグ上限", required=False)
            out[str(pid)] = Platform(
                id=str(pid),
                name=self.text(entry, "name", f"{pid} の表示名"),
                counting=counting,
                limit=limit or 0,
                source=self.text(entry, "source", f"{pid} の上限の出典"),
                max_hashtags=max_tags,
            )
        return out

    def positive(self, data: LineDict, key: str, what: str, required: bool = True) -> int | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(data.lines.get(key, data.line), f"{what}({key})は正の整数で書いてください")
        return value

    def rules(self, root: LineDict, lists: dict[str, tuple[str, ...]]) -> tuple[Rule, ...]:
        raw = root.get("rules")
        line = root.lines.get("rules", root.line)
        if not isinstance(raw, LineList) or not raw:
            raise self.fail(line, "ルール(rules)が一つもありません")
        seen: dict[str, int] = {}
        out = []
        for i, item in enumerate(raw):
            entry = self.mapping(item, raw.lines[i], f"{i + 1} 番目のルール")
            out.append(self.rule(entry, lists, seen))
        return tuple(out)

    def rule(self, entry: LineDict, lists: dict[str, tuple[str, ...]], seen: dict[str, int]) -> Rule:
        rid = self.text(entry, "id", "ルールID")
        if not _ID.match(rid):
            raise self.fail(entry.lines.get("id"), f"ルールID「{rid}」には英小文字・数字・. _ - を使ってください")
        if rid in seen:
            raise self.fail(entry.lines.get("id"), f"ルールID「{rid}」は {seen[rid]} 行目と重複しています")
        seen[rid] = entry.line
        article = self.text(entry, "article", f"ルール {rid} の条項")
        if article not in ARTICLES:
            raise self.fail(
                entry.lines.get("article"), f"ルール {rid} の条項「{article}」は条項コードの一覧にありません"
            )
        severity = self.text(entry, "severity", f"ルール {rid} の重大度")
        if severity not in SEVERITIES:
            raise self.fail(
                entry.lines.get("severity"),
                f"ルール {rid} の重大度「{severity}」は error / warning / info のいずれかにしてください",
            )
        words: list[str] = []
        suggestions: dict[str, str] = {}
        for word in self.strings(entry, "words", f"ルール {rid} の語"):
            if "=>" in word:
                word, replacement = (part.strip() for part in word.split("=>", 1))
                if not word or not replacement:
                    raise self.fail(entry.lines.get("words"), f"ルール {rid} の言い換え「{word}」が不完全です")
                suggestions[word.lstrip("=")] = replacement
            words.append(word)
        refs = {}
        for key in ("requires", "requires_any", "unless"):
            refs[key] = self.strings(entry, key, f"ルール {rid} の文脈条件")
            raw = entry.get(key)
            item_lines = raw.lines if isinstance(raw, LineList) else []
            self.check_refs(refs[key], lists, item_lines, entry.lines.get(key), rid)
        params = entry.get("params", LineDict())
        params = self.mapping(params, entry.lines.get("params"), f"ルール {rid} の設定(params)")
        return Rule(
            id=rid,
            article=article,
            severity=severity,
            detector=self.text(entry, "detector", f"ルール {rid} の検出方式"),
            message=_FOLD_SPACE.sub("", self.text(entry, "message", f"ルール {rid} のメッセージ").strip()),
            line=entry.line,
            words=tuple(words),
            suggestions=suggestions,
            requires=refs["requires"],
            requires_any=refs["requires_any"],
            unless=refs["unless"],
            params=params,
            lines={str(k): v for k, v in entry.lines.items()},
        )

    def check_refs(
        self,
        refs: Iterable[str],
        lists: dict[str, tuple[str, ...]],
        item_lines: list[int],
        line: int | None,
        rid: str,
    ) -> None:
        for i, ref in enumerate(refs):
            if ref.startswith("$") and ref[1:] not in lists:
                where = item_lines[i] if i < len(item_lines) else line
                raise self.fail(where, f"ルール {rid} が参照する語リスト「{ref}」が lists にありません")
