"""The nine items of 第4条第4項."""

from __future__ import annotations

from sns_desk.core.policy import ITEM_IDS, ITEMS, find_item, item


def test_nine_items_in_the_guideline_order() -> None:
    assert [i.number for i in ITEMS] == list(range(1, 10))
    assert [i.heading for i in ITEMS] == [
        "ソーシャルメディア等の種類",
        "アカウント名、URL及びアカウント管理者",
        "情報発信を行う目的",
        "情報発信を行う内容",
        "運用方法",
        "利用者の遵守事項",
        "知的財産権の帰属",
        "免責事項",
        "個人情報に関する取扱い",
    ]
    assert len(set(ITEM_IDS)) == 9


def test_labels_cite_the_article() -> None:
    purpose = item("purpose")
    assert purpose.article == "第4条第4項第3号"
    assert purpose.label == "第4条第4項第3号『情報発信を行う目的』"
    assert purpose.numbered_heading == "3. 情報発信を行う目的"
    assert "運用時間" in item("operation").scope
    assert find_item("nope") is None
