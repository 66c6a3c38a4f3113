"""``python -m sns_desk.gui.screenshot OUT.png``: the drafting desk with sample drafts, as a PNG.

Builds a throw-away SQLite database with two accounts and drafts in every state, opens the desk
as a drafter on a returned draft whose text has findings, waits until the check has painted and
saves the window. Runs offscreen unless ``QT_QPA_PLATFORM`` says otherwise.

Options: ``--window check`` shows the check window (下書きなしの投稿チェック) instead;
``--scale 2`` renders at 200 % (sets ``QT_SCALE_FACTOR``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SAMPLE_POST = (
    "【説明会のお知らせ】\n"
    "12月5日(月)に市役所本館で子育て支援の説明会を開きます🎉\n"
    "詳しくは https://bit.ly/3abcDEF をご覧ください。\n"
    "職員用Wi-Fiのパスワードは abc12345 です。\n"
    "申込みは子育て支援課(082-420-0407)まで。"
)
SAMPLE_DATE = dt.date(2026, 11, 20)
DRAFTER = "suzuki"
MANAGER = "kacho"
REVIEW_COMMENT = "日付と曜日を確かめてください。申込みの案内は市のページのアドレスにしてください。"
_TIMEOUT_MS = 15_000


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sns_desk.gui.screenshot", description="画面の見本を PNG で保存します"
    )
    parser.add_argument("out", type=Path, help="保存先の PNG ファイル")
    parser.add_argument("--window", choices=("desk", "check"), default="desk", help="どの画面か(既定: desk)")
    parser.add_argument("--scale", type=float, default=None, help="表示倍率(例: 2 で 200 %%)")
    parser.add_argument("--size", default="1440x880", help="ウィンドウの大きさ(論理ピクセル、既定: 1440x880)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def quiet(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        # The offscreen platform notes on every show() that it ignores size hints.
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)

    from .app import create_application

    app = create_application([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="sns-desk-shot-") as folder:
        width, _, height = args.size.partition("x")
        size = (int(width), int(height))
        if args.window == "check":
            code = _check_window_shot(args.out, size)
        else:
            code = _desk_shot(args.out, Path(folder), size)
    app.processEvents()
    if code == 0:
        print(args.out)
    return code


def _wait_until(predicate: Callable[[], bool], timeout_ms: int = _TIMEOUT_MS) -> bool:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer

    deadline = QDeadlineTimer(timeout_ms)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: loop.quit() if predicate() or deadline.hasExpired() else None)
    timer.start()
    if not predicate():
        loop.exec()
    timer.stop()
    return predicate()


def _save(widget: object, out: Path) -> int:
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(widget, QWidget)
    for _ in range(5):  # layout requests cascade (a resized label re-wraps, its scroll area adapts)
        QApplication.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        print(f"保存できませんでした: {out}", file=sys.stderr)
        return 1
    return 0


def _choose_finding_with_suggestion(view: object, editor: object) -> None:
    """Select the first finding with a fix (showing the detail pane and its button), caret at the end."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QPlainTextEdit, QTreeView

    from .findings_model import FindingsModel

    assert isinstance(view, QTreeView) and isinstance(editor, QPlainTextEdit)
    model = view.model()
    assert isinstance(model, FindingsModel)
    for row in range(model.rowCount()):
        if model.finding(row).suggestion is not None:
            view.setCurrentIndex(model.index(row, 0))
            break
    # With the caret after the text, the chosen finding shows its stronger highlight.
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    view.setFocus()


def _seed(url: str) -> int:
    """Fill a new database with sample accounts and drafts; returns the id of the draft to show."""
    from ..config import current_os_user
    from ..core.checker import default_checker
    from ..core.people import Role
    from ..storage.database import open_database
    from ..storage.desk import DeskService

    checker = default_checker()
    database = open_database(url)
    moments = iter(dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC) + dt.timedelta(hours=3 * i) for i in range(60))

    def clock() -> dt.datetime:
        return next(moments)

    def desk(login: str) -> DeskService:
        return DeskService(database, lambda: checker, login, clock=clock)

    try:
        ops = desk(current_os_user())
        ops.set_role(MANAGER, Role.ACCOUNT_MANAGER)
        ops.set_role(DRAFTER, Role.DRAFTER)
        koho = ops.add_account("x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", MANAGER)
        kanko = ops.add_account(
            "instagram", "東広島市観光", "https://www.instagram.com/hh_kanko", "観光振興課", MANAGER
        )
        staff, manager = desk(DRAFTER), desk(MANAGER)

        posted = staff.create_draft(
            koho.id, title="冬のおはなし会", text="12月5日(土)、中央図書館で冬のおはなし会を開きます。"
        )
        staff.submit(posted.id)
        manager.approve(posted.id)
        staff.mark_posted(posted.id, "https://x.com/hh_koho/status/1861234567", clock())

        approved = staff.create_draft(
            kanko.id, title="紅葉だより", text="西条の酒蔵通りの紅葉が見ごろです。#東広島 #紅葉"
        )
        staff.submit(approved.id)
        manager.approve(approved.id)

        pending = staff.create_draft(koho.id, text="年末年始のごみ収集日程を市のホームページに掲載しました。")
        staff.submit(pending.id)

        staff.create_draft(koho.id, title="成人式の案内", text="令和9年の「二十歳の集い」の案内です。")

        # Submitted with a short text, returned by the manager, then rewritten with mistakes.
        returned = staff.create_draft(koho.id, title="子育て支援の説明会", text="子育て支援の説明会を開きます。")
        staff.submit(returned.id)
        back = manager.reject(returned.id, REVIEW_COMMENT)
        staff.save(back.id, back.revision, SAMPLE_POST)
        return back.id
    finally:
        database.close()


def _desk_shot(out: Path, folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QSettings

    from ..core.checker import default_checker
    from ..storage.database import open_database
    from ..storage.desk import DeskService
    from .desk_window import DeskWindow

    url = f"sqlite:///{(folder / 'sns_desk.db').as_posix()}"
    draft_id = _seed(url)
    checker = default_checker()
    database = open_database(url)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = DeskWindow(
        DeskService(database, lambda: checker, DRAFTER), checker, database_name=database.display_name, settings=settings
    )
    try:
        window.resize(*size)
        window.show()
        if not _wait_until(lambda: window.me is not None and window.drafts_model.rowCount() > 0):
            print("一覧が時間内に読み込まれませんでした", file=sys.stderr)
            return 1
        window.open_draft(draft_id)
        loaded = _wait_until(
            lambda: (
                window.current_draft is not None
                and window.current_draft.id == draft_id
                and window.panel.result_is_current()
                and window.findings_model.rowCount() > 0
            )
        )
        if not loaded:
            print("チェック結果が時間内に届きませんでした", file=sys.stderr)
            return 1
        # Choose the first finding with a suggestion, to show the detail pane and its button.
        _choose_finding_with_suggestion(window.findings_view, window.editor)
        return _save(window, out)
    finally:
        window.close()
        _wait_until(window.isHidden)
        window.deleteLater()
        database.close()


def _check_window_shot(out: Path, size: tuple[int, int]) -> int:
    from .check_window import CheckWindow

    window = CheckWindow(post_date=SAMPLE_DATE)
    window.resize(*size)
    window.show()
    window.editor.setPlainText(SAMPLE_POST)
    if not _wait_until(lambda: window.last_result is not None and window.last_result.text == SAMPLE_POST):
        print("チェック結果が時間内に届きませんでした", file=sys.stderr)
        return 1
    _choose_finding_with_suggestion(window.findings_view, window.editor)
    try:
        return _save(window, out)
    finally:
        window.close()
        window.deleteLater()


if __name__ == "__main__":
    raise SystemExit(main())
