"""Side-by-side comparison of two versions of a policy."""

from __future__ import annotations

from html.parser import HTMLParser

from sns_desk.core.policy import ITEM_IDS, Policy, diff_lines, diff_policies, diff_to_html


def test_identical_versions_change_nothing(x_policy: Policy) -> None:
    diffs = diff_policies(x_policy, x_policy)
    assert [d.item_id for d in diffs] == ["title", *ITEM_IDS]
    assert not any(d.changed for d in diffs)
    assert all(row.kind == "equal" for d in diffs for row in d.rows)


def test_only_changed_items_are_marked(x_policy: Policy) -> None:
    new = x_policy.replace_item(
        "operation", x_policy["operation"].replace("17時15分", "17時00分") + "\n- 新しい行"
    ).replace_item("disclaimer", "\n".join(x_policy["disclaimer"].splitlines()[1:]))
    diffs = {d.item_id: d for d in diff_policies(x_policy, new)}
    assert {k for k, d in diffs.items() if d.changed} == {"operation", "disclaimer"}
    operation = diffs["operation"]
    assert operation.heading == "5. 運用方法"
    kinds = [row.kind for row in operation.rows]
    assert kinds.count("replace") == 1 and kinds.count("insert") == 1
    replaced = next(row for row in operation.rows if row.kind == "replace")
    assert replaced.left is not None and replaced.right is not None
    assert [replaced.left[s:e] for s, e in replaced.left_changes] == ["15"]
    assert [replaced.right[s:e] for s, e in replaced.right_changes] == ["00"]
    inserted = next(row for row in operation.rows if row.kind == "insert")
    assert (inserted.left, inserted.right, inserted.left_no) == (None, "- 新しい行", None)
    deleted = [row for row in diffs["disclaimer"].rows if row.kind == "delete"]
    assert len(deleted) == 1 and deleted[0].right is None and deleted[0].left_no == 1


def test_added_and_removed_items() -> None:
    old = Policy("方針", {"purpose": "目的"})
    new = Policy("方針(改定)", {"purpose": "目的", "content": "内容"})
    diffs = {d.item_id: d for d in diff_policies(old, new)}
    assert diffs["title"].changed
    assert diffs["content"].changed and [r.kind for r in diffs["content"].rows] == ["insert"]
    assert not diffs["purpose"].changed
    back = {d.item_id: d for d in diff_policies(new, old)}
    assert [r.kind for r in back["content"].rows] == ["delete"]


def test_replace_block_of_unequal_length() -> None:
    rows = diff_lines("a\nb\nc", "a\nX\nY\nZ\nc")
    assert [r.kind for r in rows] == ["equal", "replace", "insert", "insert", "equal"]
    assert [(r.left_no, r.right_no) for r in rows] == [(1, 1), (2, 2), (None, 3), (None, 4), (3, 5)]


def test_html_is_escaped_and_side_by_side(x_policy: Policy) -> None:
    new = x_policy.replace_item("purpose", x_policy["purpose"] + "\n<script>alert(1)</script>")
    html = diff_to_html(diff_policies(x_policy, new), only_changed=True)
    assert "<script" not in html and "&lt;script&gt;" in html

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.captions: list[str] = []
            self.in_caption = False
            self.cells_per_row: list[int] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "caption":
                self.in_caption = True
            if tag == "tr":
                self.cells_per_row.append(0)
            if tag == "td":
                self.cells_per_row[-1] += 1

        def handle_endtag(self, tag: str) -> None:
            if tag == "caption":
                self.in_caption = False

        def handle_data(self, data: str) -> None:
            if self.in_caption:
                self.captions.append(data)

    t = Tables()
    t.feed(html)
    assert t.captions == ["3. 情報発信を行う目的(変更あり)"]
    assert set(t.cells_per_row[1:]) == {4}
    everything = diff_to_html(diff_policies(x_policy, new))
    assert everything.count("<table") == 10
