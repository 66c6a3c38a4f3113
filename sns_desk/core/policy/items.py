"""The nine items every usage policy (利用方針) must make clear (第4条第4項第1号〜第9号)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PolicyItem:
    id: str
    """Stable key used in stored policies (JSON) and in the templates."""
    number: int
    """The 号 of 第4条第4項."""
    heading: str
    """The heading as published (Japanese)."""
    scope: str = ""
    """What the item has to cover beyond its heading (the guideline's parenthetical), for editors."""

    @property
    def article(self) -> str:
        """``第4条第4項第3号``."""
        return f"第4条第4項第{self.number}号"

    @property
    def label(self) -> str:
        """``第4条第4項第3号『情報発信を行う目的』``, the way problems name the item."""
        return f"{self.article}『{self.heading}』"

    @property
    def numbered_heading(self) -> str:
        """``3. 情報発信を行う目的``, the heading of the item in a rendered policy."""
        return f"{self.number}. {self.heading}"


ITEMS: tuple[PolicyItem, ...] = (
    PolicyItem("platform", 1, "ソーシャルメディア等の種類"),
    PolicyItem("account", 2, "アカウント名、URL及びアカウント管理者", "問い合わせ先を含む"),
    PolicyItem("purpose", 3, "情報発信を行う目的"),
    PolicyItem("content", 4, "情報発信を行う内容"),
    PolicyItem("operation", 5, "運用方法", "情報発信責任者、運用時間、意見や質問への対応方法等"),
    PolicyItem("user_rules", 6, "利用者の遵守事項"),
    PolicyItem("intellectual_property", 7, "知的財産権の帰属"),
    PolicyItem("disclaimer", 8, "免責事項"),
    PolicyItem("personal_information", 9, "個人情報に関する取扱い"),
)

ITEM_IDS: tuple[str, ...] = tuple(item.id for item in ITEMS)
_BY_ID = {item.id: item for item in ITEMS}


def item(item_id: str) -> PolicyItem:
    """The item with ``item_id``; ``KeyError`` for an id that is not one of the nine."""
    return _BY_ID[item_id]


def find_item(item_id: str) -> PolicyItem | None:
    return _BY_ID.get(item_id)
