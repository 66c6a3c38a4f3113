"""A plain preview of a post per target platform: the text as it will appear, and what is too long."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from ..core.accounts import Account
from ..core.checker import Length, measure
from ..core.rulebook.model import Platform
from .check_panel import OVER_COLOR, counter_text, limit_note

EMPTY_PREVIEW = "(本文はまだありません)"


def overflow_start(text: str, platform: Platform) -> int | None:
    """The code-point offset from which ``text`` no longer fits ``platform``; None if it fits."""
    return measure(text, platform.counting, platform.limit).overflow_start


def account_handle(account: Account) -> str:
    """「@hh_koho」 from the account's address, or its host when there is no path."""
    parts = urlsplit(account.url.strip())
    path = [p for p in parts.path.split("/") if p]
    if path:
        name = path[-1]
        return name if name.startswith("@") else f"@{name}"
    return parts.netloc


def _paragraphs(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


def preview_html(text: str, platform: Platform, account: Account | None, length: Length | None = None) -> str:
    """The post as rich text: account line, body, and the part past the limit struck out in red."""
    head = ""
    if account is not None:
        handle = account_handle(account)
        head = f"<p><b>{html.escape(account.name)}</b>"
        if handle:
            head += f' <span style="color:#666">{html.escape(handle)}</span>'
        head += "</p>"
    if not text.strip():
        return f'{head}<p style="color:#888">{EMPTY_PREVIEW}</p>'
    # The check result already carries the length (worked out off the UI thread): reuse it.
    cut = length.overflow_start if length is not None else overflow_start(text, platform)
    if cut is None:
        body = _paragraphs(text)
    else:
        body = (
            _paragraphs(text[:cut])
            + f'<span style="color:{OVER_COLOR}; text-decoration: line-through">{_paragraphs(text[cut:])}</span>'
        )
    return f"{head}<p>{body}</p>"


class PlatformPreview(QWidget):
    """One platform's preview: a counter line and the rendered post."""

    def __init__(self, platform: Platform, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.platform = platform
        self.counter = QLabel()
        self.counter.setAccessibleName(f"{platform.name} の文字数")
        self.counter.setToolTip(limit_note(platform))
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(f"{platform.name} でのプレビュー")
        self.browser.setOpenLinks(False)
        self.browser.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.counter)
        layout.addWidget(self.browser, 1)

    def show_text(self, text: str, account: Account | None, length: Length | None) -> None:
        self.browser.setHtml(preview_html(text, self.platform, account, length))
        if length is None:
            self.counter.setText("")
            return
        note = "(超過分は赤の取り消し線)" if length.remaining < 0 else ""
        self.counter.setText(f"{self.platform.name}: {counter_text(length)}{note}")
        self.counter.setStyleSheet(f"color: {OVER_COLOR}; font-weight: bold;" if length.remaining < 0 else "")


class PreviewTabs(QTabWidget):
    """A tab per target platform of the draft."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("投稿先ごとのプレビュー")
        self.setDocumentMode(True)
        self.pages: dict[str, PlatformPreview] = {}
        self._account: Account | None = None
        self._text = ""
        self._lengths: dict[str, Length] = {}

    def set_targets(self, platforms: Sequence[Platform], account: Account | None) -> None:
        ids = [p.id for p in platforms]
        if ids != list(self.pages) or account != self._account:
            current = self.tabText(self.currentIndex()) if self.count() else ""
            self.clear()
            for page in self.pages.values():
                page.deleteLater()
            self.pages = {p.id: PlatformPreview(p) for p in platforms}
            for page in self.pages.values():
                self.addTab(page, page.platform.name)
                if page.platform.name == current:
                    self.setCurrentWidget(page)
            self._account = account
        self._render()

    def show_text(self, text: str, lengths: Mapping[str, Length]) -> None:
        self._text = text
        self._lengths = dict(lengths)
        self._render()

    def _render(self) -> None:
        for pid, page in self.pages.items():
            page.show_text(self._text, self._account, self._lengths.get(pid))
