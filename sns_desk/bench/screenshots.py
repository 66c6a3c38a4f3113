"""``python -m sns_desk.bench screenshots OUT.png``: the drafting desk with sample drafts, as a PNG.

Builds a throw-away SQLite database with two accounts and drafts in every state, opens the desk
as a drafter on a returned draft whose text has findings and which has two images attached (one a
photo that still carries its GPS position, so the 第6条第3号 warning shows), waits until the check
and the thumbnails have painted and saves the window. Runs offscreen unless ``QT_QPA_PLATFORM`` says otherwise.

Options: ``--window check`` shows the check window (下書きなしの投稿チェック) instead, ``--window archive``
the archive (第6条), ``--window registry`` the account registry and usage policies (第4条), ``--window people``
the staff and their roles (職員と役割, as the operations manager), ``--window incidents`` the incidents (第8条,
as the account's manager: an impersonation half-way through its checklist, with evidence and a draft);
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
PHOTO_NAME = "説明会場.jpg"
POSTER_NAME = "チラシ.png"
PHOTO_POSITION = (34.4267, 132.7433)
"""Where the sample photo says it was taken (near 東広島市役所), in degrees."""
_TIMEOUT_MS = 15_000


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sns_desk.bench screenshots", description="画面の見本を PNG で保存します"
    )
    parser.add_argument("out", type=Path, help="保存先の PNG ファイル")
    parser.add_argument(
        "--window",
        choices=("desk", "check", "archive", "registry", "people", "incidents"),
        default="desk",
        help="どの画面か(既定: desk)",
    )
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

    from ..gui.app import create_application

    app = create_application([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="sns-desk-shot-") as folder:
        width, _, height = args.size.partition("x")
        size = (int(width), int(height))
        if args.window == "check":
            code = _check_window_shot(args.out, size)
        elif args.window == "archive":
            code = _archive_shot(args.out, Path(folder), size)
        elif args.window == "registry":
            code = _registry_shot(args.out, Path(folder), size)
        elif args.window == "people":
            code = _people_shot(args.out, Path(folder), size)
        elif args.window == "incidents":
            code = _incident_shot(args.out, Path(folder), size)
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

    from ..gui.findings_model import FindingsModel

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


def _degrees(value: float) -> tuple[object, object, object]:
    from PIL.TiffImagePlugin import IFDRational

    minutes = (value - int(value)) * 60
    seconds = round((minutes - int(minutes)) * 60 * 100)
    return IFDRational(int(value), 1), IFDRational(int(minutes), 1), IFDRational(seconds, 100)


def sample_photo() -> bytes:
    """A JPEG of a hall under a blue sky, with the GPS position and the phone in its EXIF."""
    import io

    from PIL import ExifTags, Image, ImageDraw

    width, height = 480, 320
    picture = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(height):  # the sky, lighter towards the horizon
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * t), int(150 + 80 * t), int(220 + 30 * t)))
    draw.polygon([(0, 230), (120, 170), (260, 215), (380, 160), (480, 205), (480, 320), (0, 320)], fill=(96, 140, 88))
    draw.rectangle([(0, 262), (width, height)], fill=(170, 170, 160))
    draw.rectangle([(150, 120), (330, 270)], fill=(236, 232, 222), outline=(120, 110, 100), width=2)
    for row in range(3):
        for col in range(5):
            x, y = 164 + col * 33, 134 + row * 38
            draw.rectangle([(x, y), (x + 22, y + 24)], fill=(120, 160, 200))
    draw.rectangle([(222, 236), (258, 270)], fill=(110, 80, 60))
    draw.ellipse([(392, 36), (440, 84)], fill=(255, 236, 150))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ExamplePhone"
    exif[ExifTags.Base.Model] = "EP-15"
    exif[ExifTags.Base.DateTime] = "2026:11:14 10:21:05"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat, lon = PHOTO_POSITION
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = _degrees(lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = _degrees(lon)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def sample_poster() -> bytes:
    """A PNG flyer without any metadata."""
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (300, 420), (255, 248, 225))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([(0, 0), (300, 90)], fill=(239, 108, 0))
    draw.ellipse([(60, 140), (240, 320)], fill=(255, 204, 128))
    draw.ellipse([(110, 190), (190, 270)], fill=(255, 255, 255))
    draw.rectangle([(30, 350), (270, 380)], fill=(30, 111, 217))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _seed(url: str, media_root: Path) -> int:
    """Fill a new database with sample accounts and drafts; returns the id of the draft to show."""
    from ..core.checker import default_checker
    from ..core.people import Role
    from ..services.desk import DeskService
    from ..storage.database import open_database
    from ..storage.media import MediaStore

    checker = default_checker()
    database = open_database(url)
    media = MediaStore(media_root)
    moments = iter(dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC) + dt.timedelta(hours=3 * i) for i in range(60))

    def clock() -> dt.datetime:
        return next(moments)

    def desk(login: str) -> DeskService:
        return DeskService(database, lambda: checker, login, clock=clock, media=media)

    try:
        ops = desk(database.login())
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
        staff.add_attachment(back.id, POSTER_NAME, sample_poster())
        staff.add_attachment(back.id, PHOTO_NAME, sample_photo())
        return back.id
    finally:
        database.close()


def _desk_shot(out: Path, folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QSettings

    from ..core.checker import default_checker
    from ..gui.desk_window import DeskWindow
    from ..services.audit import AuditService
    from ..services.desk import DeskService
    from ..services.people import PeopleService
    from ..storage.database import open_database
    from ..storage.media import MediaStore, default_media_root

    url = f"sqlite:///{(folder / 'sns_desk.db').as_posix()}"
    media_root = default_media_root(str(folder / "sns_desk.db"))
    draft_id = _seed(url, media_root)
    checker = default_checker()
    database = open_database(url)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    service = DeskService(database, lambda: checker, DRAFTER, media=MediaStore(media_root))
    window = DeskWindow(
        service,
        checker,
        database_name=database.display_name,
        settings=settings,
        audit=AuditService(database),
        people=lambda: PeopleService(database, DRAFTER),
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
                and window.attachments_panel.list_view.count() == 2
                and not window.ops.is_busy
            )
        )
        if not loaded:
            print("チェック結果が時間内に届きませんでした", file=sys.stderr)
            return 1
        if not window.attachments_panel.warning.isVisible():
            print("添付画像の警告が表示されていません", file=sys.stderr)
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
    from ..gui.check_window import CheckWindow

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


def _tourism_export(path: Path) -> Path:
    """A small X archive with a photo, a poster and a video, for the archive window's detail pane."""
    import json
    import zipfile

    def js(name: str, data: object) -> bytes:
        return f"window.{name} = {json.dumps(data, ensure_ascii=False)}".encode()

    photos = {"media": [{"media_url_https": "https://pbs/x/hall.jpg"}, {"media_url_https": "https://pbs/x/flyer.png"}]}
    posts = [
        {
            "tweet": {
                "id_str": "77001",
                "full_text": "今夜は西条の花火大会🎆 会場の様子です。打ち上げは19時30分から。交通規制にご注意ください。"
                " https://www.city.example.lg.jp/hanabi.html",
                "created_at": "Sat Aug 02 09:00:00 +0000 2025",
                "extended_entities": photos,
            }
        },
        {
            "tweet": {
                "id_str": "77002",
                "full_text": "紅葉が見ごろです #東広島 #紅葉",
                "created_at": "Sat Nov 15 01:00:00 +0000 2025",
            }
        },
    ]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data/account.js", js("YTD.account.part0", [{"account": {"username": "hh_kanko"}}]))
        z.writestr("data/tweets.js", js("YTD.tweets.part0", posts))
        z.writestr("data/tweets_media/77001-hall.jpg", sample_photo())
        z.writestr("data/tweets_media/77001-flyer.png", sample_poster())
        z.writestr("data/tweets_media/77001-clip.mp4", b"\x00\x00\x00\x18ftypmp42 not a real video")
    return path


def _archive_shot(out: Path, folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QSettings
    from sqlalchemy import select

    from ..gui.archive_window import ArchiveWindow
    from ..services.archive import ArchiveService
    from ..storage.database import open_database
    from ..storage.media import MediaStore
    from ..storage.models import AccountRow, BackupRecordRow, utc_now
    from .synthetic import write_x_archive

    database = open_database(f"sqlite:///{(folder / 'sns_desk.db').as_posix()}")
    service = ArchiveService(database, MediaStore(folder / "sns_desk.media"))
    service.import_export(
        write_x_archive(folder / "koho.zip", 300, media_every=20, media_bytes=2000, account="hh_koho")
    )
    service.import_export(_tourism_export(folder / "kanko.zip"), account="東広島市観光")
    with database.session() as s:
        kanko = s.scalars(select(AccountRow).where(AccountRow.name == "東広島市観光")).one()
        two_days_ago = utc_now() - dt.timedelta(days=2)
        s.add(BackupRecordRow(account_id=kanko.id, path="\\\\fileserver\\kanko\\backup", items=2, by=DRAFTER,
                              finished_at=two_days_ago))  # fmt: skip
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = ArchiveWindow(service, settings=settings)
    try:
        window.resize(*size)
        window.show()
        if not _wait_until(lambda: window.overview is not None and not window.ops.is_busy):
            print("アカウントが時間内に読み込まれませんでした", file=sys.stderr)
            return 1
        window.search_edit.setText("花火")
        window.run_search()
        _wait_until(lambda: not window.ops.is_busy)
        row = next(i for i, item in enumerate(window.results_model.items()) if item.platform_id == "77001")
        window.select_result(row)
        if not _wait_until(lambda: not window.ops.is_busy and window.detail.media_list.count() == 3):
            print("画像が時間内に読み込まれませんでした", file=sys.stderr)
            return 1
        window.results_view.setFocus()
        return _save(window, out)
    finally:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
        database.close()


KOSODATE = "@hh_kosodate"
"""The account the registry screenshot shows: approved, its first policy version a draft with a mistake."""


def _seed_registry(url: str) -> None:
    """Accounts in every stage of 第4条: in operation with a published policy, approved with a draft,
    requested, suspended."""
    from ..core.checker import default_checker
    from ..core.people import Role
    from ..services.desk import DeskService
    from ..services.registry import AccountFactsInput, RegistryService
    from ..storage.database import open_database

    checker = default_checker()
    database = open_database(url)
    moments = iter(dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC) + dt.timedelta(days=i, hours=i) for i in range(60))

    def clock() -> dt.datetime:
        return next(moments)

    def registry(login: str) -> RegistryService:
        return RegistryService(database, login, clock, checker=lambda: checker)

    try:
        me = database.login()
        DeskService(database, lambda: checker, me).set_role(MANAGER, Role.ACCOUNT_MANAGER)
        ops, kacho = registry(me), registry(MANAGER)
        koho = ops.register(
            AccountFactsInput(
                platform="x", name="@hh_koho", url="https://x.com/hh_koho",
                department="総務部 経営戦略チーム 広報戦略担当", manager=MANAGER,
                display_name="東広島市広報", manager_title="広報戦略担当課長",
                operating_hours="平日 8時30分〜17時15分", contact="082-420-0919 koho@city.example.lg.jp",
                purpose="市政情報や催しの案内を、広く市民に届けるため",
            ),
            "東広戦第101号",
            dt.date(2025, 4, 1),
        )  # fmt: skip
        policy, _ = ops.policy(koho.id)
        first = ops.save_policy(koho.id, policy)
        ops.approve_policy(koho.id, first.version)
        ops.publish_policy(koho.id, first.version, dt.date(2025, 4, 1))
        ops.start_operation(koho.id)
        revised = policy.replace_item("content", policy["content"] + "\n- 災害時の避難情報")
        ops.save_policy(koho.id, revised)

        kosodate = kacho.request(
            AccountFactsInput(
                platform="x", name=KOSODATE, url="https://x.com/hh_kosodate", department="こども家庭課",
                display_name="東広島市 子育て応援", manager_title="こども家庭課長",
                operating_hours="平日 8時30分〜17時15分", contact="082-420-0407 kosodate@city.example.lg.jp",
                purpose="子育て世帯に向けた制度や催しの案内",
            )
        )  # fmt: skip
        ops.approve(kosodate.id, "東広戦第214号", dt.date(2026, 3, 10))
        draft, _ = kacho.policy(kosodate.id)
        draft = draft.replace_item(
            "content", draft["content"] + "\n- 子育て支援の説明会の案内(詳しくは https://bit.ly/3abcDEF)"
        )
        kacho.save_policy(kosodate.id, draft)

        kacho.request(
            AccountFactsInput(
                platform="instagram", name="hh_kanko", url="https://www.instagram.com/hh_kanko",
                department="観光振興課", display_name="東広島市観光", manager_title="観光振興課長",
                purpose="酒蔵通りや紅葉など、市の観光の魅力を写真で伝えるため",
            )
        )  # fmt: skip
        bosai = ops.register(
            AccountFactsInput(
                platform="line", name="@hh_bosai", url="https://line.me/R/ti/p/@hh_bosai", department="危機管理課",
                manager=MANAGER, display_name="東広島市防災", manager_title="危機管理課長",
                operating_hours="24時間(災害時の情報発信)",
            ),
            "東広戦第87号",
            dt.date(2024, 6, 1),
        )  # fmt: skip
        bosai_policy = ops.save_policy(bosai.id, ops.policy(bosai.id)[0])
        ops.approve_policy(bosai.id, bosai_policy.version)
        ops.publish_policy(bosai.id, bosai_policy.version, dt.date(2024, 6, 1))
        ops.start_operation(bosai.id)
        ops.suspend(bosai.id, "配信システムの更新のため(2026年4月まで)")
    finally:
        database.close()


def _registry_shot(out: Path, folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QSettings

    from ..core.checker import default_checker
    from ..gui.registry_window import RegistryWindow
    from ..services.registry import RegistryService
    from ..storage.database import open_database

    url = f"sqlite:///{(folder / 'sns_desk.db').as_posix()}"
    _seed_registry(url)
    checker = default_checker()
    database = open_database(url)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    service = RegistryService(database, database.login(), checker=lambda: checker)
    window = RegistryWindow(service, settings=settings, today=lambda: dt.date(2026, 3, 20))
    try:
        window.resize(*size)
        window.show()
        if not _wait_until(lambda: window.overview is not None and not window.ops.is_busy):
            print("台帳が時間内に読み込まれませんでした", file=sys.stderr)
            return 1
        kosodate = next(a for a in window.accounts_model.accounts() if a.name == KOSODATE)
        window.select_account(kosodate.id)
        shown = _wait_until(
            lambda: (
                window.snapshot is not None
                and window.snapshot.account.id == kosodate.id
                and window.editor.checked_policy is not None
                and not window.ops.is_busy
            )
        )
        if not shown:
            print("利用方針の確認結果が時間内に届きませんでした", file=sys.stderr)
            return 1
        errors = [p for p in window.editor.problems() if p.is_error and p.start is not None]
        if not errors:
            print("見本の利用方針にエラーが見つかりません", file=sys.stderr)
            return 1
        window.editor.focus_problem(errors[0])  # the problem's span selected in its item
        return _save(window, out)
    finally:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
        database.close()


PEOPLE_MANAGER = "tanaka"
"""The operations manager the 職員と役割 screenshot is taken as (the one who set the database up hands over)."""
PEOPLE_CHOSEN = "yamada"
STAFF = (
    ("nakamura", "中村 浩二", "総務部 経営戦略チーム 広報戦略担当", "account_manager"),
    ("morita", "森田 恵", "産業部 観光振興課", "account_manager"),
    ("kinoshita", "木下 直樹", "こども未来部 こども家庭課", "account_manager"),
    (DRAFTER, "鈴木 花子", "総務部 経営戦略チーム 広報戦略担当", "drafter"),
    ("yamada", "山田 健太", "産業部 観光振興課", "drafter"),
    ("ito", "伊藤 さくら", "こども未来部 こども家庭課", "drafter"),
    ("sato", "佐藤 誠", "産業部 観光振興課", "drafter"),
)
STAFF_ACCOUNTS = (
    ("x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", "nakamura"),
    ("line", "東広島市防災", "https://line.me/R/ti/p/@hh_bosai", "危機管理課", "nakamura"),
    ("instagram", "東広島市観光", "https://www.instagram.com/hh_kanko", "観光振興課", "morita"),
    ("x", "東広島市 子育て応援", "https://x.com/hh_kosodate", "こども家庭課", "kinoshita"),
)


def _seed_people(url: str) -> None:
    """Staff in every role, accounts with their managers, one person who moved away (無効), and the login
    that set the database up handed over to the operations manager and deactivated."""
    from ..core.checker import default_checker
    from ..core.people import Role
    from ..services.desk import DeskService
    from ..services.people import PeopleService
    from ..storage.database import open_database

    checker = default_checker()
    database = open_database(url)
    try:
        setup = database.login()
        if setup != PEOPLE_MANAGER:
            PeopleService(database, setup).add(
                PEOPLE_MANAGER, "田中 一郎", "総務部 経営戦略チーム 広報戦略担当", Role.OPERATIONS_MANAGER
            )
        ops = PeopleService(database, PEOPLE_MANAGER)
        for login, name, department, role in STAFF:
            ops.add(login, name, department, Role(role))
        desk = DeskService(database, lambda: checker, PEOPLE_MANAGER)
        for platform, name, account_url, department, manager in STAFF_ACCOUNTS:
            desk.add_account(platform, name, account_url, department, manager)
        ops.deactivate("sato")
        if setup != PEOPLE_MANAGER:
            ops.deactivate(setup)
    finally:
        database.close()


def _people_shot(out: Path, folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QSettings

    from ..gui.people_window import PeopleWindow
    from ..services.audit import AuditService
    from ..services.people import PeopleService
    from ..storage.database import open_database

    url = f"sqlite:///{(folder / 'sns_desk.db').as_posix()}"
    _seed_people(url)
    database = open_database(url)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = PeopleWindow(PeopleService(database, PEOPLE_MANAGER), audit=AuditService(database), settings=settings)
    try:
        window.resize(*size)
        window.show()
        if not _wait_until(lambda: window.snapshot is not None and not window.ops.is_busy):
            print("職員の一覧が時間内に読み込まれませんでした", file=sys.stderr)
            return 1
        window.select(PEOPLE_CHOSEN)
        if not window.role_action.isEnabled():
            print("運用管理者なのに役割を変更できません", file=sys.stderr)
            return 1
        window.view.setFocus()
        return _save(window, out)
    finally:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
        database.close()


FAKE_ACCOUNT = "https://x.com/hh_koho_official"
"""The impersonating account of the incidents screenshot."""


def sample_profile_screenshot() -> bytes:
    """A PNG that looks like a captured profile page: a banner, an avatar, the name and some posts."""
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (640, 400), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([(0, 0), (640, 120)], fill=(29, 78, 137))
    draw.ellipse([(24, 80), (124, 180)], fill=(240, 240, 240), outline=(255, 255, 255), width=4)
    draw.ellipse([(52, 100), (96, 144)], fill=(29, 78, 137))
    draw.rectangle([(24, 196), (300, 214)], fill=(30, 30, 30))
    draw.rectangle([(24, 224), (200, 236)], fill=(140, 140, 140))
    for i in range(3):
        y = 262 + i * 44
        draw.rectangle([(24, y), (616, y + 1)], fill=(220, 220, 220))
        draw.rectangle([(24, y + 12), (560 - 60 * i, y + 22)], fill=(90, 90, 90))
    draw.rectangle([(520, 136), (616, 166)], fill=(29, 155, 240))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _seed_incidents(url: str, media_root: Path) -> int:
    """Three incidents on the city's accounts: an impersonation half-way through its checklist (notes, a URL,
    a screenshot, a homepage notice made a draft), a flaming just reported, and a takeover closed.
    Returns the id of the impersonation."""
    from ..core.checker import default_checker
    from ..core.incidents import IncidentKind, TextKind
    from ..core.people import Role
    from ..services.desk import DeskService
    from ..services.incidents import IncidentService
    from ..storage.database import open_database
    from ..storage.media import MediaStore

    checker = default_checker()
    database = open_database(url)
    media = MediaStore(media_root)
    start = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
    moments = iter(start + dt.timedelta(minutes=50 * i) for i in range(200))

    def clock() -> dt.datetime:
        return next(moments)

    def incidents(login: str) -> IncidentService:
        return IncidentService(database, login, clock, media=media, checker=lambda: checker)

    try:
        ops = DeskService(database, lambda: checker, database.login())
        ops.set_role(MANAGER, Role.ACCOUNT_MANAGER)
        ops.set_role(DRAFTER, Role.DRAFTER)
        ops.add_account("x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", MANAGER)
        ops.add_account("instagram", "東広島市観光", "https://www.instagram.com/hh_kanko", "観光振興課", MANAGER)
        staff, manager = incidents(DRAFTER), incidents(MANAGER)

        takeover = manager.open(
            "東広島市観光", IncidentKind.TAKEOVER, "深夜に身に覚えのない投稿が2件あった", start, "観光振興課 山田"
        )
        for state in manager.incident(takeover.id).states:
            if state.step.required:
                manager.step_done(takeover.id, state.step.id)
            else:
                manager.step_not_needed(takeover.id, state.step.id, "不正な投稿は広まる前に削除できたため")
        manager.close(takeover.id, "パスワードを変え、連携アプリを解除した。お知らせを掲載済み")

        fake = staff.open(
            "東広島市広報",
            IncidentKind.IMPERSONATION,
            "市の広報アカウントを名乗る偽のアカウント(@hh_koho_official)が、プレゼント企画を装って"
            "フォロワーに個人情報を送らせようとしている",
            clock(),
            "市民からの電話(広報戦略担当で受付)",
        )
        staff.add_url(fake.id, FAKE_ACCOUNT, "偽アカウントのプロフィール")
        staff.add_file(fake.id, "偽アカウント_プロフィール.png", sample_profile_screenshot(), "通報を受けて撮った画面")
        staff.add_url(fake.id, f"{FAKE_ACCOUNT}/status/1864000000000000001", "個人情報を求める投稿")
        manager.step_done(fake.id, "report", "運用管理者(広報戦略担当)へ電話で報告した")
        manager.step_done(fake.id, "record_evidence", "画面とアドレスを証拠に追加した")
        manager.add_note(fake.id, "運営会社の窓口に報告フォームから削除を依頼。受付番号 #48213")
        manager.create_draft(fake.id, TextKind.NOTICE)

        staff.open("東広島市観光", IncidentKind.FLAMING, "紅葉の投稿への批判的なコメントが急に増えている", clock())
        return fake.id
    finally:
        database.close()


def _incident_shot(out: Path, folder: Path, size: tuple[int, int]) -> int:
    from PySide6.QtCore import QSettings

    from ..core.checker import default_checker
    from ..gui.incident_window import IncidentWindow
    from ..services.incidents import IncidentService
    from ..storage.database import open_database
    from ..storage.media import MediaStore

    url = f"sqlite:///{(folder / 'sns_desk.db').as_posix()}"
    media_root = folder / "sns_desk.media"
    incident_id = _seed_incidents(url, media_root)
    checker = default_checker()
    database = open_database(url)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    service = IncidentService(database, MANAGER, media=MediaStore(media_root), checker=lambda: checker)
    window = IncidentWindow(service, settings=settings)
    try:
        window.resize(*size)
        window.show()
        if not _wait_until(lambda: window.snapshot is not None and not window.ops.is_busy):
            print("事案の一覧が時間内に読み込まれませんでした", file=sys.stderr)
            return 1
        window.include_closed.setChecked(True)
        window.select(incident_id)
        shown = _wait_until(
            lambda: (
                window.incident is not None
                and window.incident.id == incident_id
                and window.list_model.rowCount() == 3
                and not window.ops.is_busy
            )
        )
        if not shown:
            print("事案が時間内に表示されませんでした", file=sys.stderr)
            return 1
        rows = window.evidence_rows
        if not any(row.thumbnail.pixmap() is not None and not row.thumbnail.pixmap().isNull() for row in rows):
            print("画面の記録の縮小画像が表示されていません", file=sys.stderr)
            return 1
        if not window.done_action.isEnabled():
            print("アカウント管理者なのに手順を済みにできません", file=sys.stderr)
            return 1
        window.steps_view.setFocus()
        return _save(window, out)
    finally:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
        database.close()


if __name__ == "__main__":
    raise SystemExit(main())
