"""The checklists and text templates of the incident kinds: data the operations manager keeps (第10条).

``resources/incidents/`` (or the folder in ``$SNS_DESK_INCIDENTS``) holds::

    catalog.yaml           version, the city's name and homepage (used by the texts)
    impersonation.yaml     one file per kind: its steps and which texts it offers
    takeover.yaml  flaming.yaml  mistake.yaml  other.yaml
    texts/*.txt.j2         the texts (Jinja2, sandboxed, undefined names are errors)

A kind's file::

    kind: impersonation
    summary: …                         # one sentence for the screen
    steps:
      - id: report                     # a-z, 0-9, _ (kept in every incident opened with it)
        title: 運用管理者に報告する
        required: true                 # false: "where needed" — done, or 不要 with a reason
        article: 第8条第1項
        help: …
        text: notice                   # the generated text that helps with this step
    texts:
      notice: {title: …, template: impersonation_notice.txt.j2}

Everything is checked when the folder is read: a problem is one Japanese message naming the file, the
line and what is wrong, and every template is compiled and tried with sample facts, so an unknown name
is found before anyone needs the text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import UserError
from ..rulebook.loader import LineDict, LineList
from .model import IncidentKind, Step, TextKind

DIRECTORY_ENV_VAR: Final = "SNS_DESK_INCIDENTS"
"""A folder to read instead of the bundled ``resources/incidents`` (an edited copy)."""
CATALOG_FILE: Final = "catalog.yaml"
TEXTS_DIR: Final = "texts"
MAX_FILE_BYTES: Final = 1024 * 1024
MAX_TITLE: Final = 200

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_ARTICLE = re.compile(r"^第(10|[1-9])条(第[1-9]項)?(第[1-9][0-9]?号)?$")
_STEP_KEYS: Final = frozenset({"id", "title", "required", "article", "help", "text"})
_KIND_KEYS: Final = frozenset({"kind", "summary", "steps", "texts"})
_TEXT_KEYS: Final = frozenset({"title", "template"})
_CATALOG_KEYS: Final = frozenset({"version", "city", "homepage"})
# YAML's folded scalars (>-) join lines with a space; Japanese text has none between words.
_FOLD_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


class IncidentCatalogError(UserError):
    """A checklist or text template that cannot be used: where (file, line) and why, in Japanese."""

    def __init__(
        self, path: Path | str | None, line: int | None, problem: str, what: str = "事案のチェックリスト"
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.problem = problem
        where = str(path) if path is not None else what
        if line is not None:
            where += f" の {line} 行目"
        super().__init__(f"{what}を読み込めません: {where}: {problem}")


@dataclass(frozen=True, slots=True)
class TextSpec:
    kind: TextKind
    title: str
    """What the text is, as the draft's title says (e.g. なりすましへの注意のお知らせ)."""
    template: str
    """File name in ``texts/``."""


@dataclass(frozen=True, slots=True)
class Checklist:
    kind: IncidentKind
    summary: str
    steps: tuple[Step, ...]
    texts: Mapping[TextKind, TextSpec]
    path: Path


@dataclass(frozen=True, slots=True)
class IncidentCatalog:
    version: str
    city: str
    homepage: str
    directory: Path
    checklists: Mapping[IncidentKind, Checklist]
    digest: str
    """SHA-256 over every file read: which edition of the checklists an incident was opened with."""
    environment: SandboxedEnvironment = field(compare=False, repr=False)

    def checklist(self, kind: IncidentKind) -> Checklist:
        return self.checklists[kind]

    def texts_path(self, name: str) -> Path:
        return self.directory / TEXTS_DIR / name


def default_directory() -> Path:
    """``$SNS_DESK_INCIDENTS``, else the bundled ``resources/incidents``."""
    override = os.environ.get(DIRECTORY_ENV_VAR, "").strip()
    if override:
        return Path(override)
    from ...resources import resource_path

    return resource_path("incidents")


# -- YAML with line numbers ---------------------------------------------------------------------------

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, line: int, key: object) -> None:
        self.line, self.key = line, key


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise _DuplicateKey(key_node.start_mark.line + 1, key)
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


def _read(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IncidentCatalogError(path, None, "ファイルがありません") from None
    except OSError as exc:
        raise IncidentCatalogError(path, None, f"ファイルを読めません({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise IncidentCatalogError(path, None, "ファイルが大きすぎます(1 MB まで)")
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IncidentCatalogError(path, line, "文字コードが UTF-8 ではありません。UTF-8 で保存してください") from None


def _parse_yaml(path: Path, text: str) -> LineDict:
    try:
        data = yaml.load(text, Loader=_Loader)
    except _DuplicateKey as exc:
        raise IncidentCatalogError(path, exc.line, f"キー「{exc.key}」が重複しています") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise IncidentCatalogError(
            path, line, f"YAML の書式に誤りがあります({exc.problem or exc.context or ''})"
        ) from None
    except yaml.YAMLError as exc:
        raise IncidentCatalogError(path, None, f"YAML として読めません({exc})") from None
    if not isinstance(data, LineDict):
        raise IncidentCatalogError(path, 1, "ファイル全体を「キー: 値」の形で書いてください")
    return data


class _Checker:
    """Reads the values of one file, naming the line of each problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int | None, problem: str) -> IncidentCatalogError:
        return IncidentCatalogError(self.path, line, problem)

    def keys(self, data: LineDict, allowed: frozenset[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                names = "・".join(sorted(allowed))
                raise self.fail(
                    data.lines.get(key, data.line), f"{what}に知らないキー「{key}」があります({names} のどれか)"
                )

    def text(self, data: LineDict, key: str, what: str, *, required: bool = True, limit: int = 2000) -> str:
        value = data.get(key)
        line = data.lines.get(key, data.line)
        if value is None:
            if required:
                raise self.fail(data.line, f"{what}({key})がありません")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(line, f"{what}({key})は文字列で書いてください")
        text = _FOLD_SPACE.sub("", str(value)).strip()
        if required and not text:
            raise self.fail(line, f"{what}({key})が空です")
        if len(text) > limit:
            raise self.fail(line, f"{what}({key})が長すぎます({limit} 文字まで)")
        return text

    def mapping(self, value: Any, line: int | None, what: str) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.fail(line, f"{what}は「キー: 値」の形で書いてください")
        return value


def _catalog_settings(directory: Path) -> tuple[bytes, str, str, str]:
    path = directory / CATALOG_FILE
    raw, text = _read(path)
    data = _parse_yaml(path, text)
    check = _Checker(path)
    check.keys(data, _CATALOG_KEYS, "共通設定")
    version = check.text(data, "version", "版", limit=50)
    city = check.text(data, "city", "市の名前", limit=50)
    homepage = check.text(data, "homepage", "市ホームページのアドレス", required=False, limit=500)
    if homepage and not re.match(r"^https?://[^\s/]+", homepage):
        raise check.fail(
            data.lines.get("homepage"), f"市ホームページのアドレス「{homepage}」は http(s):// で始めてください"
        )
    return raw, version, city, homepage


def _checklist(path: Path, kind: IncidentKind, data: LineDict, texts_dir: Path) -> Checklist:
    check = _Checker(path)
    check.keys(data, _KIND_KEYS, "チェックリスト")
    if "kind" in data:
        stated = check.text(data, "kind", "種類")
        if stated != kind.value:
            raise check.fail(data.lines.get("kind"), f"種類「{stated}」がファイル名({kind.value})と合っていません")
    summary = check.text(data, "summary", "説明", required=False, limit=500)
    texts = _texts(check, data, texts_dir)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, LineList) or not raw_steps:
        raise check.fail(
            data.lines.get("steps", data.line), "手順(steps)を一つ以上、一覧(- で始まる行)で書いてください"
        )
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_steps):
        line = raw_steps.lines[index]
        entry = check.mapping(raw, line, f"{index + 1} 番目の手順")
        check.keys(entry, _STEP_KEYS, f"{index + 1} 番目の手順")
        step_id = check.text(entry, "id", f"{index + 1} 番目の手順の識別子", limit=64)
        if not _ID.match(step_id):
            raise check.fail(
                entry.lines.get("id", line),
                f"手順の識別子「{step_id}」には英小文字で始まる英小文字・数字・_ を使ってください",
            )
        if step_id in seen:
            raise check.fail(
                entry.lines.get("id", line), f"手順の識別子「{step_id}」は {seen[step_id]} 行目と重複しています"
            )
        seen[step_id] = entry.lines.get("id", line)
        what = f"手順 {step_id} の"
        title = check.text(entry, "title", f"{what}名前", limit=MAX_TITLE)
        required = entry.get("required")
        if not isinstance(required, bool):
            raise check.fail(
                entry.lines.get("required", line),
                f"{what}必須かどうか(required)を true か false で書いてください",
            )
        article = check.text(entry, "article", f"{what}条項", required=False, limit=100)
        for part in filter(None, (p.strip() for p in re.split(r"[、,・]", article))):
            if not _ARTICLE.match(part):
                raise check.fail(
                    entry.lines.get("article", line),
                    f"{what}条項「{part}」はガイドラインの条項の形(例: 第8条第1項)ではありません",
                )
        text_name = check.text(entry, "text", f"{what}文案", required=False, limit=16)
        text: TextKind | None = None
        if text_name:
            if text_name not in {t.value for t in TextKind} or TextKind(text_name) not in texts:
                offered = "・".join(t.value for t in texts) or "なし"
                raise check.fail(
                    entry.lines.get("text", line),
                    f"{what}文案「{text_name}」は、この種類の文案(texts: {offered})にありません",
                )
            text = TextKind(text_name)
        help_text = check.text(entry, "help", f"{what}説明", required=False)
        steps.append(Step(step_id, title, required, article, help_text, text))
    return Checklist(kind, summary, tuple(steps), MappingProxyType(texts), path)


def _texts(check: _Checker, data: LineDict, texts_dir: Path) -> dict[TextKind, TextSpec]:
    raw = data.get("texts")
    if raw is None:
        return {}
    table = check.mapping(raw, data.lines.get("texts"), "文案(texts)")
    out: dict[TextKind, TextSpec] = {}
    for name, value in table.items():
        line = table.lines.get(name, table.line)
        if name not in {t.value for t in TextKind}:
            raise check.fail(line, f"文案の種類「{name}」は使えません(notice・press・post のどれか)")
        entry = check.mapping(value, line, f"文案 {name}")
        check.keys(entry, _TEXT_KEYS, f"文案 {name}")
        title = check.text(entry, "title", f"文案 {name} の題", limit=MAX_TITLE)
        template = check.text(entry, "template", f"文案 {name} のひな形", limit=200)
        if "/" in template or "\\" in template or template.startswith("."):
            raise check.fail(
                entry.lines.get("template", line),
                f"ひな形「{template}」は texts フォルダのファイル名だけで書いてください",
            )
        if not (texts_dir / template).is_file():
            raise check.fail(entry.lines.get("template", line), f"ひな形 {TEXTS_DIR}/{template} がありません")
        out[TextKind(name)] = TextSpec(TextKind(name), title, template)
    return out


def make_environment(texts_dir: Path) -> SandboxedEnvironment:
    """Plain text (no escaping; the desk checks what comes out), sandboxed, undefined names are errors."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(texts_dir), encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=True,
    )


def template_error(exc: TemplateError, path: Path) -> IncidentCatalogError:
    """A template problem with the template's line: a syntax error carries it, a runtime error is found
    in the traceback Jinja2 maps back to the template."""
    what = "事案の文案のひな形"
    if isinstance(exc, TemplateNotFound):
        return IncidentCatalogError(path, None, "ファイルがありません", what)
    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else None
    if line is None:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == str(path):
                line = tb.tb_lineno
            tb = tb.tb_next
    message = exc.message or str(exc)
    undefined = re.match(r"^'([^']+)' is undefined$", message)
    attribute = re.match(r"^'[^']+' object has no attribute '([^']+)'$", message)
    if undefined:
        message = f"「{undefined.group(1)}」という差し込み項目はありません"
    elif attribute:
        message = f"差し込み項目に「{attribute.group(1)}」はありません(使える項目は catalog.yaml の説明を参照)"
    return IncidentCatalogError(path, line, message, what)


_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], IncidentCatalog]] = {}


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for path in sorted([*directory.glob("*.yaml"), *(directory / TEXTS_DIR).glob("*")]):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def load_catalog(directory: Path | None = None) -> IncidentCatalog:
    """Read and check the folder (again only when a file in it changed)."""
    folder = directory or default_directory()
    if not folder.is_dir():
        raise IncidentCatalogError(folder, None, "フォルダがありません")
    stamp = _stamp(folder)
    cached = _cache.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    catalog = _load(folder)
    _cache[folder] = (stamp, catalog)
    return catalog


def _load(folder: Path) -> IncidentCatalog:
    digest = hashlib.sha256()
    raw, version, city, homepage = _catalog_settings(folder)
    digest.update(CATALOG_FILE.encode() + b"\0" + raw + b"\0")
    texts_dir = folder / TEXTS_DIR
    checklists: dict[IncidentKind, Checklist] = {}
    for kind in IncidentKind:
        path = folder / f"{kind.value}.yaml"
        raw, text = _read(path)
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        checklists[kind] = _checklist(path, kind, _parse_yaml(path, text), texts_dir)
    environment = make_environment(texts_dir)
    catalog = IncidentCatalog(version, city, homepage, folder, MappingProxyType(checklists), "", environment)
    from .texts import sample_contexts

    for name in sorted({spec.template for c in checklists.values() for spec in c.texts.values()}):
        path = texts_dir / name
        raw, _text = _read(path)
        digest.update(f"{TEXTS_DIR}/{name}".encode() + b"\0" + raw + b"\0")
        try:
            template = environment.get_template(name)
            for kind, checklist in checklists.items():
                if any(spec.template == name for spec in checklist.texts.values()):
                    for context in sample_contexts(catalog, kind):
                        template.render(context)
        except TemplateError as exc:
            raise template_error(exc, path) from None
    return dataclasses.replace(catalog, digest=digest.hexdigest())
