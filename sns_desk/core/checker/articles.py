"""How an article code of the rulebook is cited to people, the same in the CLI and the GUI."""

from __future__ import annotations

# Article 9(2) has two sentences with separate subjects; name them rather than number them.
_SUB_ITEM_NAMES = {"9-2-1": "URL短縮", "9-2-2": "引用・リンク"}


def article_label(code: str) -> str:
    """``"7-5"`` → 第7条第5号, ``"9-2-1"`` → 第9条第2項(URL短縮); other shapes unchanged."""
    parts = code.split("-")
    if not all(p.isdigit() for p in parts):
        return code
    if len(parts) == 1:
        return f"第{parts[0]}条"
    if len(parts) == 2:
        return f"第{parts[0]}条第{parts[1]}号"
    if len(parts) == 3:
        name = _SUB_ITEM_NAMES.get(code)
        if name is not None:
            return f"第{parts[0]}条第{parts[1]}項({name})"
        return f"第{parts[0]}条第{parts[1]}項第{parts[2]}号"
    return code
