"""Side-by-side comparison of two versions of a usage policy, item by item (for 改定)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html import escape
from itertools import zip_longest
from typing import Literal

from .items import ITEM_IDS, find_item
from .model import Policy

RowKind = Literal["equal", "replace", "insert", "delete"]
Span = tuple[int, int]

TITLE_ID = "title"


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One line of the side-by-side view; a side is None where the line has no counterpart."""

    kind: RowKind
    left: str | None
    right: str | None
    left_no: int | None
    """1-based line number in the old text."""
    right_no: int | None
    left_changes: tuple[Span, ...] = ()
    """Changed character ranges of ``left`` (replace rows only), for highlighting."""
    right_changes: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemDiff:
    item_id: str
    """One of the nine item ids, ``title`` for the title, or an id that is not one of the nine."""
    heading: str
    changed: bool
    rows: tuple[DiffRow, ...]


def _char_changes(old: str, new: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Changed ranges per character: Japanese has no spaces to split words on."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    left: list[Span] = []
    right: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            left.append((i1, i2))
        if j2 > j1:
            right.append((j1, j2))
    return tuple(left), tuple(right)


def diff_lines(old: str, new: str) -> list[DiffRow]:
    a = old.splitlines() if old else []
    b = new.splitlines() if new else []
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("equal", a[i], b[j], i + 1, j + 1) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        elif tag == "delete":
            rows.extend(DiffRow("delete", a[i], None, i + 1, None) for i in range(i1, i2))
        elif tag == "insert":
            rows.extend(DiffRow("insert", None, b[j], None, j + 1) for j in range(j1, j2))
        else:
            for i, j in zip_longest(range(i1, i2), range(j1, j2)):
                if i is None:
                    rows.append(DiffRow("insert", None, b[j], None, j + 1))
                elif j is None:
                    rows.append(DiffRow("delete", a[i], None, i + 1, None))
                else:
                    left, right = _char_changes(a[i], b[j])
                    rows.append(DiffRow("replace", a[i], b[j], i + 1, j + 1, left, right))
    return rows


def diff_policies(old: Policy, new: Policy) -> list[ItemDiff]:
    """The title, then the nine items in order, then any other ids; ``changed`` only where the text differs."""
    out = [ItemDiff(TITLE_ID, "表題", old.title != new.title, tuple(diff_lines(old.title, new.title)))]
    extra = sorted({*old, *new} - set(ITEM_IDS))
    for item_id in [*ITEM_IDS, *extra]:
        item = find_item(item_id)
        heading = item.numbered_heading if item else f"(項目外: {item_id})"
        before, after = old.text(item_id), new.text(item_id)
        out.append(ItemDiff(item_id, heading, before != after, tuple(diff_lines(before, after))))
    return out


def _marked(text: str, changes: tuple[Span, ...], tag: str) -> str:
    out: list[str] = []
    pos = 0
    for start, end in changes:
        out.append(escape(text[pos:start]))
        out.append(f"<{tag}>{escape(text[start:end])}</{tag}>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def diff_to_html(
    diffs: list[ItemDiff], *, only_changed: bool = False, old_label: str = "改定前", new_label: str = "改定後"
) -> str:
    """A side-by-side table per item (everything escaped; ``<del>``/``<ins>`` mark changed characters)."""
    parts = ['<div class="sns-policy-diff">']
    for d in diffs:
        if only_changed and not d.changed:
            continue
        state = "変更あり" if d.changed else "変更なし"
        parts.append(f'<table class="{"changed" if d.changed else "unchanged"}">')
        parts.append(f"<caption>{escape(d.heading)}({state})</caption>")
        parts.append(f'<thead><tr><th scope="col" colspan="2">{escape(old_label)}</th>'
                     f'<th scope="col" colspan="2">{escape(new_label)}</th></tr></thead>')  # fmt: skip
        parts.append("<tbody>")
        for row in d.rows:
            left = "" if row.left is None else _marked(row.left, row.left_changes, "del")
            right = "" if row.right is None else _marked(row.right, row.right_changes, "ins")
            if row.kind == "delete" and row.left is not None:
                left = f"<del>{escape(row.left)}</del>"
            if row.kind == "insert" and row.right is not None:
                right = f"<ins>{escape(row.right)}</ins>"
            ln = "" if row.left_no is None else str(row.left_no)
            rn = "" if row.right_no is None else str(row.right_no)
            parts.append(
                f'<tr class="{row.kind}"><td class="no">{ln}</td><td>{left}</td>'
                f'<td class="no">{rn}</td><td>{right}</td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"
