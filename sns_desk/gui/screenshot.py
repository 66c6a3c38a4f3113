"""``python -m sns_desk.gui.screenshot OUT.png``: the check window with a sample post, as a PNG.

Runs offscreen unless ``QT_QPA_PLATFORM`` says otherwise; waits until the check has painted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

SAMPLE_POST = (
    "【説明会のお知らせ】\n"
    "12月5日(月)に市役所本館で子育て支援の説明会を開きます🎉\n"
    "詳しくは https://bit.ly/3abcDEF をご覧ください。\n"
    "職員用Wi-Fiのパスワードは abc12345 です。\n"
    "申込みは子育て支援課(082-420-0407)まで。"
)
SAMPLE_DATE = dt.date(2026, 11, 20)
_TIMEOUT_MS = 10_000


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("使い方: python -m sns_desk.gui.screenshot OUT.png", file=sys.stderr)
        return 2
    out = Path(args[0])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler

    def quiet(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        # The offscreen platform notes on every show() that it ignores size hints.
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)

    from .app import create_application
    from .check_window import CheckWindow

    app = create_application([sys.argv[0]])
    window = CheckWindow(post_date=SAMPLE_DATE)
    window.show()

    loop = QEventLoop()
    results: list[object] = []

    def painted(result: object) -> None:
        results.append(result)
        QTimer.singleShot(0, loop.quit)  # after the window has handled the same result

    window.live.resultReady.connect(painted)
    QTimer.singleShot(_TIMEOUT_MS, loop.quit)
    window.editor.setPlainText(SAMPLE_POST)
    loop.exec()
    if not results:
        print("チェック結果が時間内に届きませんでした", file=sys.stderr)
        return 1
    # Select the first finding with a suggestion, to show the detail pane and its button.
    model = window.model
    for row in range(model.rowCount()):
        if model.finding(row).suggestion is not None:
            window.findings_view.setCurrentIndex(model.index(row, 0))
            break
    # Leave the caret after the text: the chosen finding then shows its stronger highlight.
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    window.findings_view.setFocus()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        print(f"保存できませんでした: {out}", file=sys.stderr)
        return 1
    window.close()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
