"""The open draft on one screen: unsaved edits, autosave, conflicts and what waits for a save.

The desk window used to keep this in a score of flags. :class:`DraftSession` holds it instead and
decides; the window presents (text, banners, dialogs) and runs the background calls. The session
never waits and never touches a database: it asks its :class:`SessionHost` to start a save, to arm
or stop the autosave timer, or to keep unsavable text as a copy, and the host reports back with
:meth:`DraftSession.saved` / :meth:`DraftSession.save_failed`.

The promise it keeps: text typed on this screen is never lost. It is saved a moment after typing
stops, before every step that leaves the draft (a state change, another draft, closing); a save
that finds the draft changed elsewhere never overwrites that change, and the text stays on screen
until it is kept as a new draft or deliberately dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..people import Person
from . import rules
from .model import Draft
from .rules import WorkflowError

AfterSave = Callable[[bool], None]
"""Called once a save has finished: True if the text is stored (or nothing needed saving)."""


@dataclass(frozen=True, slots=True)
class Content:
    """What the editor shows: the parts of a draft that a save stores."""

    text: str
    title: str
    platforms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """The editor's content at the moment a save was started, against the revision it was based on."""

    draft_id: int
    revision: int
    content: Content


class SessionHost(Protocol):
    """What a session needs from the screen that shows it."""

    def content(self) -> Content:
        """The editor's content now."""

    def start_save(self, request: SaveRequest) -> None:
        """Store ``request`` off the UI thread, then call ``saved`` or ``save_failed``."""

    def set_autosave(self, delay_ms: int | None) -> None:
        """(Re)arm the autosave timer to fire in ``delay_ms``; ``None`` stops it."""

    def keep_copy(self, then: AfterSave | None) -> None:
        """Store the editor's (unsavable) text as a new draft, then call ``then(ok)``."""

    def show_saved(self, draft: Draft, manual: bool) -> None:
        """A save stored the text; ``manual`` when the user asked for it (Ctrl+S)."""

    def show_save_failed(self, exc: Exception, conflict: bool, waiting: bool) -> None:
        """A save failed: a ``conflict`` (stored meanwhile elsewhere) or an outage; ``waiting`` when the
        user is waiting for this save (a step, a switch, closing) rather than an autosave."""


class DraftSession:
    """The open draft's editing state on one screen (see the module docstring)."""

    def __init__(self, host: SessionHost, *, autosave_ms: int, retry_ms: int) -> None:
        self._host = host
        self.autosave_ms = autosave_ms
        self.retry_ms = retry_ms
        self.me: Person | None = None
        self._draft: Draft | None = None
        self._dirty = False
        self._conflict = False
        self._saving = False
        self._save_again = False
        self._manual = False
        self._after_save: list[AfterSave] = []
        self._busy = 0
        self._close_requested = False
        self._closing_done = False

    # -- state ----------------------------------------------------------------------------------------------

    @property
    def draft(self) -> Draft | None:
        """The stored version of the open draft (the editor may hold newer, unsaved text)."""
        return self._draft

    @property
    def dirty(self) -> bool:
        """The editor holds changes that are not stored yet."""
        return self._dirty

    @property
    def conflict(self) -> bool:
        """A save was refused because the draft changed elsewhere; saving is off until resolved."""
        return self._conflict

    @property
    def saving(self) -> bool:
        return self._saving

    @property
    def busy(self) -> bool:
        """A step that changes what the editor shows is under way: the text is locked meanwhile."""
        return self._busy > 0

    def set_busy(self, busy: bool) -> None:
        self._busy = max(0, self._busy + (1 if busy else -1))

    def can_edit(self) -> bool:
        """The rules let this person edit the open draft (whatever the busy state)."""
        return self._draft is not None and self.me is not None and rules.can_edit(self._draft, self.me)

    def editable(self) -> bool:
        """The editor accepts typing now."""
        return self.can_edit() and not self.busy

    # -- what the screen shows ------------------------------------------------------------------------------

    def show(self, draft: Draft) -> None:
        """``draft`` as stored is now on screen: nothing unsaved, no conflict."""
        self._draft = draft
        self._dirty = False
        self._conflict = False
        self._host.set_autosave(None)

    def clear(self) -> None:
        """No draft is open."""
        self._draft = None
        self._dirty = False
        self._conflict = False

    def update_stored(self, draft: Draft) -> None:
        """The stored version changed without touching the text (e.g. images attached): keep the edits."""
        self._draft = draft

    def showing(self, draft_id: int) -> bool:
        return self._draft is not None and self._draft.id == draft_id

    def edited(self) -> bool:
        """The user changed the text, title or platforms. Returns True when that is now an unsaved change."""
        if not self.editable():
            return False
        self._dirty = True
        if not self._conflict:
            self._host.set_autosave(self.autosave_ms)
        return True

    def drop_edits(self) -> None:
        """After a conflict, the user chose to drop the unsaved text and reopen the stored version."""
        self._dirty = False
        self._conflict = False

    # -- saving ---------------------------------------------------------------------------------------------

    def save(self, then: AfterSave | None = None, *, manual: bool = False) -> None:
        """Store the editor's content now; then call ``then(ok)``.

        Nothing to save (no changes, or a draft this person may not edit) counts as success; text that
        cannot be saved because of a conflict counts as failure. A save asked for while one runs is
        folded into a second save once the first is back.
        """
        self._manual = self._manual or manual
        self._host.set_autosave(None)
        if then is not None:
            self._after_save.append(then)
        if self._saving:
            self._save_again = True
            return
        d = self._draft
        if d is None or not self._dirty or self._conflict or not self.can_edit():
            self._finish(not (self._conflict and self._dirty))
            return
        self._saving = True
        self._save_again = False
        self._host.start_save(SaveRequest(d.id, d.revision, self._host.content()))

    def saved(self, request: SaveRequest, draft: Draft) -> None:
        """The host stored ``request``; ``draft`` is the stored result."""
        self._saving = False
        if not self.showing(request.draft_id):
            self._finish(True)  # another draft is open now: this one's text is stored, nothing to show
            return
        self._draft = draft
        if self._host.content() == request.content:
            self._dirty = False
        manual, self._manual = self._manual, False
        self._host.show_saved(draft, manual)
        if self._dirty and (self._save_again or self._after_save):
            self.save()  # typed while saving: store that too before anyone waiting goes on
            return
        self._save_again = False
        if self._dirty:
            self._host.set_autosave(self.autosave_ms)
        self._finish(True)

    def save_failed(self, request: SaveRequest, exc: Exception) -> None:
        """The host could not store ``request``. A refusal by the rules is a conflict; anything else
        (a locked database, a lost network) is retried a little later."""
        del request
        self._saving = False
        self._manual = False
        self._save_again = False
        conflict = isinstance(exc, WorkflowError)
        waiting = bool(self._after_save)
        if conflict:
            self._conflict = True
        else:
            self._host.set_autosave(self.retry_ms)
        self._host.show_save_failed(exc, conflict, waiting)
        self._finish(False)

    def _finish(self, ok: bool) -> None:
        callbacks, self._after_save = self._after_save, []
        for callback in callbacks:
            callback(ok)

    def leave(self, then: AfterSave) -> None:
        """Make sure the open draft's text is stored before the screen leaves it (switch, close).

        Text that cannot be saved because the draft changed elsewhere is kept as a new draft.
        """

        def after_save(ok: bool) -> None:
            if not ok and self._conflict and self._dirty:
                self._host.keep_copy(then)
            else:
                then(ok)

        if self._draft is not None and self._dirty and self._conflict:
            self._host.keep_copy(then)
        else:
            self.save(after_save)

    # -- closing --------------------------------------------------------------------------------------------

    def must_wait_before_closing(self, work_pending: bool) -> bool:
        """Whether a close has to wait: unsaved text, or background work still queued."""
        return not self._closing_done and ((self._draft is not None and self._dirty) or work_pending)

    def begin_close(self) -> bool:
        """Start a deferred close; False if one is already under way."""
        if self._close_requested:
            return False
        self._close_requested = True
        return True

    def end_close(self, close: bool) -> None:
        """The deferred close is over: ``close`` when the window may now really close."""
        self._close_requested = False
        self._closing_done = close
