"""The furniture every main window of the app shares: actions, the remembered layout, failures.

Each window (desk, archive, registry, and those to come) derives from :class:`AppWindow` and only
builds its own widgets. Actions carry their shortcut in the tooltip; the geometry and the main
splitter are kept in ``QSettings`` under the window's own key; an error is shown the one way
:mod:`sns_desk.gui.errors` defines, in the status bar and a message box, and reported on
:attr:`AppWindow.actionFailed` for tests and for windows that react to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QToolBar, QWidget

from .. import diagnostics
from ..core.errors import UserError
from .dialogs import MessageDialog
from .errors import error_kind, error_text

Shortcut = str | QKeySequence.StandardKey | None

_BASE_TOOLTIP = "snsDeskBaseToolTip"
_BASE_STATUS_TIP = "snsDeskBaseStatusTip"


def plain_label(action: QAction) -> str:
    """An action's text without its mnemonic: 「保存(&S)」 → 「保存」."""
    text = action.text().removesuffix("…")
    if "(&" in text and text.endswith(")"):
        text = text[: text.rindex("(&")]
    return text.replace("&", "")


def set_allowed(target: QAction | QWidget, reason: str | None) -> None:
    """Enable ``target`` when ``reason`` is None; otherwise grey it out with the reason as its tooltip and
    status tip (「自分が書いた投稿案は承認できません」), so nobody has to guess why a button does nothing.

    The tooltip and status tip it had the first time are kept and come back once it is enabled again.
    """
    if target.property(_BASE_TOOLTIP) is None:
        target.setProperty(_BASE_TOOLTIP, target.toolTip())
        target.setProperty(_BASE_STATUS_TIP, target.statusTip())
    target.setEnabled(reason is None)
    if reason is None:
        target.setToolTip(str(target.property(_BASE_TOOLTIP)))
        target.setStatusTip(str(target.property(_BASE_STATUS_TIP)))
    else:
        target.setToolTip(reason)
        target.setStatusTip(reason)


class AppWindow(QMainWindow):
    """A main window with the app's common chrome. ``layout_key`` names its settings group."""

    actionFailed = Signal(str)
    """A step was refused or failed; the argument is the message shown."""

    def __init__(self, layout_key: str, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings()
        self._layout_key = layout_key

    # -- actions ------------------------------------------------------------------------------------------------

    def add_tool_bar(self, name: str, groups: Sequence[Sequence[QAction]]) -> QToolBar:
        """The window's text-only toolbar 「操作」: the actions in ``groups``, a separator between groups (empty ones
        left out), each button named for screen readers by its action's plain label and status tip."""
        toolbar = QToolBar("操作")
        toolbar.setObjectName(f"{name}_toolbar")
        toolbar.setAccessibleName("操作")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for i, group in enumerate(g for g in groups if g):
            if i:
                toolbar.addSeparator()
            for action in group:
                toolbar.addAction(action)
                button = toolbar.widgetForAction(action)
                if button is not None:
                    button.setAccessibleName(plain_label(action))
                    button.setAccessibleDescription(action.statusTip())
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        return toolbar

    def make_action(self, label: str, slot: Callable[[], object], shortcut: Shortcut = None, tip: str = "") -> QAction:
        """An action whose tooltip ends with its shortcut, e.g. 「保存します(Ctrl+S)」."""
        action = QAction(label, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip}({keys})" if keys and tip else tip or keys)
        action.setStatusTip(tip)
        action.triggered.connect(lambda: slot())
        return action

    # -- layout -------------------------------------------------------------------------------------------------

    def restore_layout(self, splitter: QSplitter | None = None) -> None:
        geometry = self.settings.value(f"{self._layout_key}/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value(f"{self._layout_key}/splitter")
        if splitter is not None and isinstance(state, QByteArray):
            splitter.restoreState(state)

    def save_layout(self, splitter: QSplitter | None = None) -> None:
        self.settings.setValue(f"{self._layout_key}/geometry", self.saveGeometry())
        if splitter is not None:
            self.settings.setValue(f"{self._layout_key}/splitter", splitter.saveState())
        self.settings.sync()

    # -- failures -----------------------------------------------------------------------------------------------

    @Slot(object)
    def show_failure(self, exc: object, title: str | None = None) -> None:
        """Show an error from a background operation (or a refused step) and report it."""
        if not isinstance(exc, BaseException):
            return
        shown_title, message = error_text(exc, title)
        if not isinstance(exc, UserError):  # a bug: IT needs its traceback
            path = diagnostics.log_unexpected(exc, f"{type(self).__name__}: {title or shown_title}")
            message = f"{message}\n\n{diagnostics.log_note(path)}"
        self.statusBar().showMessage(message.splitlines()[0] if message else shown_title, 15_000)
        self.actionFailed.emit(message)
        MessageDialog.ask(self, shown_title, message, error_kind(exc))
