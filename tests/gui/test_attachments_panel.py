"""添付画像 in the drafting desk: thumbnails, the GPS warning, stripping, removing, the 第6条第3号 checklist."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sns_desk.core.attachments import AttachmentError
from sns_desk.core.workflow import RIGHTS_CHECKLIST, Draft, DraftEventKind, DraftState
from sns_desk.gui import app as gui_app
from sns_desk.gui import attachments_panel as panel_module
from sns_desk.gui.attachments_panel import (
    FOLDER_KEY,
    THUMBNAIL_SIDE,
    AttachmentsPanel,
    AttachmentsSnapshot,
    read_image_file,
    rights_text,
    size_text,
)
from sns_desk.gui.desk_window import DeskWindow
from sns_desk.gui.dialogs import (
    ConfirmDialog,
    ImageFileDialog,
    RightsChecklistDialog,
)
from sns_desk.gui.errors import error_text
from sns_desk.services.desk import DeskService

from .conftest import ACCOUNT_MANAGER, DRAFTER, SIGNAL_TIMEOUT_MS, Desk, Messages, OpenDesk, open_and_wait, set_os_user

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on show()

CLEAN_POST = "12月5日(土)、図書館で冬のおはなし会を開催します。"
ALL_YES = {key: True for key, _question in RIGHTS_CHECKLIST}
GPS_LINE = "撮影場所(GPS): 北緯34.4167° 東経132.7333°"


def photo_with_gps() -> bytes:
    """A small JPEG that says where (and with what) it was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ExamplePhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(34, 1), IFDRational(25, 1), IFDRational(0, 1))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(132, 1), IFDRational(44, 1), IFDRational(0, 1))
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def plain_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "pictures" / "会場.jpg"
    path.parent.mkdir()
    path.write_bytes(photo_with_gps())
    return path


def choose_files(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> list[str]:
    """Make the file dialog answer ``paths``; returns the folders it was opened in."""
    folders: list[str] = []

    def ask(_cls: object, _parent: object, folder: str = "") -> list[str]:
        folders.append(folder)
        return [str(p) for p in paths]

    monkeypatch.setattr(ImageFileDialog, "ask", classmethod(ask))
    return folders


def open_with_images(qtbot: QtBot, window: DeskWindow, draft_id: int) -> AttachmentsSnapshot:
    """Open the draft and wait until its images are shown."""
    with qtbot.waitSignal(window.attachments_panel.loaded, timeout=SIGNAL_TIMEOUT_MS) as loaded:
        open_and_wait(qtbot, window, draft_id)
    snapshot = loaded.args[0]
    assert isinstance(snapshot, AttachmentsSnapshot)
    return snapshot


def after_change(qtbot: QtBot, panel: AttachmentsPanel, trigger: object) -> AttachmentsSnapshot:
    """Trigger a change (add, strip, remove) and wait until the images are shown again."""
    with qtbot.waitSignal(
        panel.loaded, timeout=SIGNAL_TIMEOUT_MS, check_params_cb=lambda s: s.outcome is not None
    ) as loaded:
        assert callable(trigger)
        trigger()
    snapshot = loaded.args[0]
    assert isinstance(snapshot, AttachmentsSnapshot)
    return snapshot


def new_draft(desk: Desk, text: str = CLEAN_POST) -> Draft:
    return desk.service(DRAFTER).create_draft(desk.koho.id, title="おはなし会", text=text)


# -- adding, the warning, stripping, removing -------------------------------------------------------


def test_adding_an_image_shows_a_thumbnail_and_the_gps_warning(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = QThread.currentThread()
    calls: list[tuple[str, bool]] = []
    for name in ("attachments", "add_attachment", "thumbnail"):
        original = getattr(DeskService, name)

        def spy(
            self: DeskService, *args: object, _name: str = name, _original: object = original, **kw: object
        ) -> object:
            calls.append((_name, QThread.currentThread() is main))
            assert callable(_original)
            return _original(self, *args, **kw)

        monkeypatch.setattr(DeskService, name, spy)

    draft = new_draft(desk)
    window = open_desk(DRAFTER)
    first = open_with_images(qtbot, window, draft.id)
    panel = window.attachments_panel
    assert first.attachments == ()
    assert panel.placeholder.isVisibleTo(window) and not panel.list_view.isVisibleTo(window)
    assert "画像は添付されていません" in panel.placeholder.text()
    assert panel.add_button.isEnabled() and panel.add_button.text() == "画像を追加(&I)…"
    assert not panel.remove_button.isEnabled() and not panel.warning.isVisibleTo(window)

    folders = choose_files(monkeypatch, photo)
    snapshot = after_change(qtbot, panel, panel.add_button.click)
    assert folders == [""]
    assert window.settings.value(FOLDER_KEY) == str(photo.parent)  # the next dialog opens there

    # The thumbnail, the file name and its size.
    (attachment,) = snapshot.attachments
    assert panel.list_view.count() == 1
    item = panel.list_view.item(0)
    assert "会場.jpg" in item.text() and size_text(attachment.byte_size) in item.text()
    assert item.text().startswith("⚠ ")
    thumbnail = item.icon().pixmap(THUMBNAIL_SIDE, THUMBNAIL_SIDE).toImage()
    centre = thumbnail.pixelColor(THUMBNAIL_SIDE // 2, THUMBNAIL_SIDE // 2)
    assert abs(centre.red() - 200) + abs(centre.green() - 120) + abs(centre.blue() - 40) < 30  # the photo
    assert thumbnail.pixelColor(0, 0).alpha() == 0  # 64×48 is not enlarged: centred on a clear square
    assert panel.selected() == attachment
    assert panel.detail_label.text() == f"会場.jpg(JPEG・64×48・{size_text(attachment.byte_size)})"
    assert panel.title() == "添付画像(1枚)"

    # The warning: what the file reveals, the article, and the button next to it.
    assert panel.warning.isVisibleTo(window)
    assert "撮影場所などの情報が埋め込まれています" in panel.warning_title.text()
    assert f"・{GPS_LINE}" in panel.concerns_label.text().splitlines()
    assert "撮影機器: ExamplePhone" in panel.concerns_label.text()
    assert "第6条第3号" in panel.warning_note.text()
    assert panel.strip_button.isEnabled() and panel.strip_button.parent() is panel.warning
    assert GPS_LINE in item.toolTip()

    # The checklist is still to be answered; the header counts the image.
    assert panel.rights_label.isVisibleTo(window)
    assert "未回答" in panel.rights_label.text() and "第6条第3号" in panel.rights_label.text()
    assert "画像 1枚" in window.info_label.text()

    assert {name for name, _ in calls} == {"attachments", "add_attachment", "thumbnail"}
    assert not any(on_main for _, on_main in calls)  # nothing of this on the UI thread
    stored = desk.fresh_service(DRAFTER).attachments(draft.id)
    assert [(a.filename, a.width, a.height) for a in stored] == [("会場.jpg", 64, 48)]


def test_strip_removes_the_warning(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    panel = window.attachments_panel
    choose_files(monkeypatch, photo)
    (before,) = after_change(qtbot, panel, panel.add_button.click).attachments

    with qtbot.waitSignal(panel.changed, timeout=SIGNAL_TIMEOUT_MS):
        snapshot = after_change(qtbot, panel, panel.strip_button.click)
    (after,) = snapshot.attachments
    assert after.id == before.id and after.privacy == () and after.sha256 != before.sha256
    assert not panel.warning.isVisibleTo(window)
    assert not panel.strip_button.isEnabled()
    assert panel.selected() == after
    assert not panel.list_view.item(0).text().startswith("⚠")
    assert panel.with_metadata() == 0
    stored = desk.fresh_service(DRAFTER)
    assert [a.privacy for a in stored.attachments(draft.id)] == [()]
    assert [e.action for e in stored.history(draft.id)][-2:] == ["attach", "strip_metadata"]
    assert DraftEventKind.STRIP_METADATA.label == "画像の位置情報などを削除"


def test_a_non_image_file_shows_the_japanese_error_and_adds_nothing(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    notes = tmp_path / "メモ.txt"
    notes.write_text("会場の下見メモ", encoding="utf-8")
    draft = new_draft(desk)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    panel = window.attachments_panel
    choose_files(monkeypatch, notes)
    changes: list[object] = []
    panel.changed.connect(changes.append)

    with qtbot.waitSignal(panel.refused, timeout=SIGNAL_TIMEOUT_MS) as refused:
        panel.add_button.click()
    assert refused.args[0].startswith("「メモ.txt」を添付できませんでした。\n")
    assert "画像ファイルとして読み込めません" in refused.args[0]
    assert messages.shown == [("画像を添付できません", refused.args[0], "warning")]
    assert panel.list_view.count() == 0 and panel.placeholder.isVisibleTo(window)
    assert changes == []
    assert desk.fresh_service(DRAFTER).attachments(draft.id) == []
    assert panel.add_button.isEnabled()  # ready for the next try


def test_good_files_are_added_and_the_others_listed(
    qtbot: QtBot,
    open_desk: OpenDesk,
    desk: Desk,
    photo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    pdf = tmp_path / "チラシ.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    missing = tmp_path / "消えた.jpg"
    poster = tmp_path / "ポスター.png"
    poster.write_bytes(plain_png())
    draft = new_draft(desk)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    panel = window.attachments_panel
    panel.add_files([str(photo), str(pdf), str(missing), str(poster)])
    qtbot.waitUntil(lambda: len(messages.shown) == 1, timeout=SIGNAL_TIMEOUT_MS)
    title, text, _kind = messages.shown[0]
    assert title == "画像を添付できません"
    lines = text.splitlines()
    assert lines[0] == "次のファイルを添付できませんでした。"
    assert lines[2].startswith("「チラシ.pdf」: PDF形式には対応していません")
    assert lines[3].startswith("「消えた.jpg」: ファイル「消えた.jpg」を読み込めません")
    assert [a.filename for a in panel.attachments()] == ["会場.jpg", "ポスター.png"]
    chosen = panel.selected()
    assert chosen is not None and chosen.filename == "ポスター.png"  # the last one added
    assert not panel.warning.isVisibleTo(window)  # the poster carries nothing
    assert panel.with_metadata() == 1
    assert "⚠" in panel.list_view.item(0).text() and "⚠" not in panel.list_view.item(1).text()
    assert panel.select(panel.attachments()[0].id) and panel.warning.isVisibleTo(window)


def test_remove_asks_first(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    desk.service(DRAFTER).add_attachment(draft.id, "会場.jpg", photo.read_bytes())
    window = open_desk(DRAFTER)
    snapshot = open_with_images(qtbot, window, draft.id)
    panel = window.attachments_panel
    assert len(snapshot.attachments) == 1 and panel.remove_button.isEnabled()
    asked: list[str] = []
    answer: list[bool | None] = [None]

    def ask(_cls: object, _parent: object, title: str, text: str, yes: str, no: str = "") -> bool | None:
        asked.append(text)
        assert (title, yes) == ("画像を削除", "削除する")
        return answer[0]

    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(ask))
    panel.remove_button.click()
    assert asked == ["「会場.jpg」をこの投稿案から削除しますか?"]
    assert not window.ops.is_busy and panel.list_view.count() == 1  # cancelled: nothing happens

    answer[0] = True
    with qtbot.waitSignal(panel.changed, timeout=SIGNAL_TIMEOUT_MS) as changed:
        after = after_change(qtbot, panel, panel.remove_action.trigger)  # the Delete key
    assert after.attachments == ()
    assert changed.args[0].attachment_count == 0
    assert panel.list_view.count() == 0 and panel.placeholder.isVisibleTo(window)
    assert not panel.warning.isVisibleTo(window) and not panel.rights_label.isVisibleTo(window)
    assert panel.title() == "添付画像"
    assert "画像" not in window.info_label.text()
    assert desk.fresh_service(DRAFTER).attachments(draft.id) == []


# -- the 第6条第3号 checklist before submitting ---------------------------------------------------


class Checklist:
    """Replaces :meth:`RightsChecklistDialog.ask`: records (image count, with metadata), gives ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: dict[str, bool] | None) -> None:
        self.asked: list[tuple[int, int]] = []
        self.answer = answer
        monkeypatch.setattr(RightsChecklistDialog, "ask", classmethod(self._ask))

    def _ask(self, _cls: object, _parent: object, count: int, with_metadata: int = 0) -> dict[str, bool] | None:
        self.asked.append((count, with_metadata))
        return self.answer


def test_submitting_with_an_image_asks_the_checklist_then_submits(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    desk.service(DRAFTER).add_attachment(draft.id, "会場.jpg", photo.read_bytes())
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    checklist = Checklist(monkeypatch, ALL_YES)
    panel = window.attachments_panel

    with (
        qtbot.waitSignal(window.draftChanged, timeout=SIGNAL_TIMEOUT_MS) as changed,
        qtbot.waitSignal(panel.loaded, timeout=SIGNAL_TIMEOUT_MS) as reloaded,
    ):
        window.submit_action.trigger()
    assert checklist.asked == [(1, 1)]  # one image, still carrying its GPS position
    submitted = changed.args[0]
    assert submitted.state is DraftState.PENDING
    assert submitted.rights_checked_by == DRAFTER and submitted.rights_checked_at is not None
    assert window.statusBar().currentMessage() == "画像のチェックリストに回答し、承認申請しました"
    stored = desk.fresh_service(DRAFTER)
    assert stored.draft(draft.id).state is DraftState.PENDING
    assert [e.action for e in stored.history(draft.id)][-2:] == ["rights_checklist", "submit"]

    # The panel says who answered, and when; nothing may change any more.
    assert reloaded.args[0].draft.rights_checked_by == DRAFTER
    assert panel.rights_label.text() == rights_text(submitted)
    assert f"回答済み({DRAFTER}、" in panel.rights_label.text()
    assert not panel.add_button.isEnabled() and not panel.strip_button.isEnabled()


def test_cancelling_the_checklist_leaves_the_draft_a_draft(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    desk.service(DRAFTER).add_attachment(draft.id, "会場.jpg", photo.read_bytes())
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    checklist = Checklist(monkeypatch, None)
    window.editor.setPlainText(CLEAN_POST + "どなたでも参加できます。")  # saved before the checklist is asked

    window.submit_action.trigger()
    qtbot.waitUntil(lambda: checklist.asked == [(1, 1)], timeout=SIGNAL_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
    assert window.current_draft is not None and window.current_draft.state is DraftState.DRAFT
    assert window.statusBar().currentMessage() == "画像のチェックリストに回答しなかったため、承認申請していません"
    stored = desk.fresh_service(DRAFTER).draft(draft.id)
    assert (stored.state, stored.rights_checked_by) == (DraftState.DRAFT, "")
    assert stored.text.endswith("どなたでも参加できます。")
    assert window.submit_action.isEnabled() and window.attachments_panel.add_button.isEnabled()
    assert "未回答" in window.attachments_panel.rights_label.text()


def test_an_answered_checklist_is_not_asked_again(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    service = desk.service(DRAFTER)
    service.add_attachment(draft.id, "会場.jpg", photo.read_bytes())
    service.confirm_rights(draft.id, ALL_YES)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    checklist = Checklist(monkeypatch, None)
    assert "回答済み" in window.attachments_panel.rights_label.text()

    with qtbot.waitSignal(window.draftChanged, timeout=SIGNAL_TIMEOUT_MS) as changed:
        window.submit_action.trigger()
    assert checklist.asked == []
    assert changed.args[0].state is DraftState.PENDING


def test_a_draft_without_images_is_submitted_without_the_checklist(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    checklist = Checklist(monkeypatch, None)
    with qtbot.waitSignal(window.draftChanged, timeout=SIGNAL_TIMEOUT_MS) as changed:
        window.submit_action.trigger()
    assert checklist.asked == []
    assert changed.args[0].state is DraftState.PENDING
    assert window.statusBar().currentMessage() == "承認申請しました"


def test_an_image_added_after_answering_asks_the_checklist_again(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_draft(desk)
    service = desk.service(DRAFTER)
    service.add_attachment(draft.id, "会場.jpg", photo.read_bytes())
    service.confirm_rights(draft.id, ALL_YES)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    panel = window.attachments_panel
    assert "回答済み" in panel.rights_label.text()
    poster = photo.with_name("ポスター.png")
    poster.write_bytes(plain_png())
    with qtbot.waitSignal(panel.changed, timeout=SIGNAL_TIMEOUT_MS) as changed:
        panel.add_files([str(poster)])
    assert changed.args[0].rights_checked_by == ""
    assert "未回答" in panel.rights_label.text()
    assert window.current_draft is not None and window.current_draft.rights_checked_by == ""
    assert "画像 2枚" in window.info_label.text()

    checklist = Checklist(monkeypatch, ALL_YES)
    with qtbot.waitSignal(window.draftChanged, timeout=SIGNAL_TIMEOUT_MS) as submitted:
        window.submit_action.trigger()
    assert checklist.asked == [(2, 1)]
    assert submitted.args[0].state is DraftState.PENDING


# -- who may change images ---------------------------------------------------------------------------


def test_the_panel_is_disabled_for_a_pending_draft(qtbot: QtBot, open_desk: OpenDesk, desk: Desk, photo: Path) -> None:
    draft = new_draft(desk)
    service = desk.service(DRAFTER)
    service.add_attachment(draft.id, "会場.jpg", photo.read_bytes())
    service.confirm_rights(draft.id, ALL_YES)
    service.submit(draft.id)
    for login in (DRAFTER, ACCOUNT_MANAGER):
        window = open_desk(login)
        snapshot = open_with_images(qtbot, window, draft.id)
        panel = window.attachments_panel
        assert snapshot.draft.state is DraftState.PENDING
        assert not panel.add_button.isEnabled(), login
        assert not panel.remove_button.isEnabled() and not panel.remove_action.isEnabled()
        assert not panel.strip_button.isEnabled()
        # The approver still sees the image and what it reveals.
        assert panel.list_view.count() == 1 and panel.list_view.isEnabled()
        assert panel.warning.isVisibleTo(window) and GPS_LINE in panel.concerns_label.text()
        assert f"回答済み({DRAFTER}、" in panel.rights_label.text()


def test_no_draft_no_images(open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER)
    panel = window.attachments_panel
    assert panel.draft is None
    assert panel.placeholder.text() == "投稿案を開くと、添付画像が表示されます。"
    assert not panel.add_button.isEnabled()


def test_adding_to_a_draft_submitted_elsewhere_is_refused_and_shown(
    qtbot: QtBot,
    open_desk: OpenDesk,
    desk: Desk,
    photo: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    draft = new_draft(desk)
    window = open_desk(DRAFTER)
    open_with_images(qtbot, window, draft.id)
    desk.fresh_service(DRAFTER).submit(draft.id)  # on another computer
    choose_files(monkeypatch, photo)
    with qtbot.waitSignal(window.draftLoaded, timeout=SIGNAL_TIMEOUT_MS) as reloaded:
        window.attachments_panel.add_button.click()
    assert messages.shown == [("操作できません", "「承認待ち」の投稿案には画像を添付できません", "warning")]
    assert reloaded.args[0].state is DraftState.PENDING
    assert not window.attachments_panel.add_button.isEnabled()


# -- pieces ------------------------------------------------------------------------------------------


def test_rights_checklist_dialog_needs_every_answer(qapp: QApplication) -> None:
    dialog = RightsChecklistDialog(None, 2, 1)
    try:
        assert dialog.windowTitle() == "画像のチェックリスト(第6条第3号)"
        assert [cb.text() for cb in dialog.checkboxes.values()] == [q for _key, q in RIGHTS_CHECKLIST]
        assert not dialog.metadata_label.isHidden() and "1 枚" in dialog.metadata_label.text()
        assert not dialog.ok_button.isEnabled()
        boxes = list(dialog.checkboxes.values())
        for box in boxes[:-1]:
            box.setChecked(True)
        assert not dialog.ok_button.isEnabled()
        dialog.accept()
        assert dialog.result() != dialog.DialogCode.Accepted
        boxes[-1].setChecked(True)
        assert dialog.ok_button.isEnabled()
        assert dialog.answer() == ALL_YES
    finally:
        dialog.deleteLater()
    clean = RightsChecklistDialog(None, 1)
    try:
        assert clean.metadata_label.isHidden()
    finally:
        clean.deleteLater()


def test_read_image_file_refuses_huge_and_unreadable_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "大きい.jpg"
    path.write_bytes(b"\xff" * 2048)
    assert read_image_file(str(path)) == b"\xff" * 2048
    monkeypatch.setattr(panel_module, "MAX_FILE_BYTES", 1024)
    with pytest.raises(AttachmentError, match=r"ファイルサイズが大きすぎます\(2\.0 KB\)"):
        read_image_file(str(path))
    with pytest.raises(AttachmentError, match=r"ファイル「ない\.jpg」を読み込めません"):
        read_image_file(str(tmp_path / "ない.jpg"))


def test_texts() -> None:
    assert size_text(890) == "890 バイト"
    assert size_text(12_600) == "12.3 KB"
    assert size_text(4_718_592) == "4.5 MB"
    assert error_text(AttachmentError("画像ファイルとして読み込めません。")) == (
        "画像を添付できません",
        "画像ファイルとして読み込めません。",
    )
    assert {"attach", "detach", "rights_checklist"} <= {kind.value for kind in DraftEventKind}


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_app_stores_images_next_to_the_database(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_os_user(monkeypatch, "tanaka")
    monkeypatch.setenv("SNS_DESK_CREATE", "1")  # a new database given by path: created without asking
    roots: list[Path] = []

    def fake_exec() -> int:
        (desk_window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, DeskWindow) and w.isVisible()]
        qtbot.waitUntil(lambda: desk_window.me is not None, timeout=SIGNAL_TIMEOUT_MS)
        roots.append(desk_window.service.media.root)
        desk_window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert gui_app.run([], db_url=f"sqlite:///{(tmp_path / 'desk.db').as_posix()}") == 0
    assert roots == [tmp_path / "desk.media"]
