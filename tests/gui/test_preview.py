from __future__ import annotations

from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.checker import Checker, measure
from sns_desk.gui.preview import EMPTY_PREVIEW, PreviewTabs, account_handle, overflow_start, preview_html

KOHO = Account(1, "x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", "kacho", AccountStatus.ACTIVE)


def test_overflow_start_is_the_longest_prefix_that_fits(checker: Checker) -> None:
    x = checker.rulebook.platforms["x"]
    assert overflow_start("あ" * 140, x) is None
    text = "あ" * 150
    cut = overflow_start(text, x)
    assert cut == 140  # full-width characters weigh 2 of X's 280
    assert measure(text[:cut], x.counting, x.limit).remaining >= 0
    assert measure(text[: cut + 1], x.counting, x.limit).remaining < 0


def test_preview_strikes_out_what_is_too_long(checker: Checker) -> None:
    x = checker.rulebook.platforms["x"]
    html = preview_html("い" * 139 + "<ここから超過>", x, KOHO)
    assert "東広島市広報" in html and "@hh_koho" in html
    assert "line-through" in html
    # "<" (weight 1) still fits; the rest is struck out. Text is escaped, never taken as markup.
    assert 'い&lt;<span style="color:#d32f2f; text-decoration: line-through">ここから超過&gt;</span>' in html
    assert "line-through" not in preview_html("短い本文\n二行目", x, KOHO)
    assert "<br/>" in preview_html("短い本文\n二行目", x, None)
    assert EMPTY_PREVIEW in preview_html("  ", x, KOHO)


def test_account_handle() -> None:
    assert account_handle(KOHO) == "@hh_koho"
    other = Account(2, "facebook", "市", "https://www.facebook.com/", "", "", AccountStatus.ACTIVE)
    assert account_handle(other) == "www.facebook.com"


def test_preview_tabs_follow_the_targets(checker: Checker) -> None:
    platforms = checker.rulebook.platforms
    tabs = PreviewTabs()
    tabs.set_targets([platforms["x"], platforms["threads"]], KOHO)
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["X", "Threads"]
    tabs.show_text("お知らせです。", {"x": measure("お知らせです。", "twitter", 280)})
    page = tabs.pages["x"]
    assert page.counter.text() == "X: 14 / 280 (残り 266)"
    assert "お知らせです。" in page.browser.toPlainText()
    assert tabs.pages["threads"].counter.text() == ""  # no length yet for it
    tabs.set_targets([platforms["x"]], KOHO)
    assert list(tabs.pages) == ["x"] and tabs.count() == 1
    tabs.deleteLater()
