"""Opening exports safely: members that are not plain files are refused by name, never skipped."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from sns_desk.core.archive import ArchiveError, open_source
from sns_desk.core.archive.formats import open_export

OUTBOX = json.dumps({"type": "OrderedCollection", "orderedItems": []}).encode()


def _tar(path: Path, *special: tarfile.TarInfo) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("outbox.json")
        info.size = len(OUTBOX)
        tar.addfile(info, io.BytesIO(OUTBOX))
        for member in special:
            tar.addfile(member)
    return path


def _member(name: str, kind: bytes, target: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


@pytest.mark.parametrize(
    ("member", "kind"),
    [
        (_member("media_attachments/files/a.png", tarfile.SYMTYPE, "/etc/passwd"), "シンボリックリンク"),
        (_member("media_attachments/files/b.png", tarfile.SYMTYPE, "outbox.json"), "シンボリックリンク"),
        (_member("media_attachments/files/c.png", tarfile.LNKTYPE, "outbox.json"), "ハードリンク"),
        (_member("dev/zero", tarfile.CHRTYPE), "デバイスファイル"),
        (_member("dev/sda", tarfile.BLKTYPE), "デバイスファイル"),
        (_member("actor.json", tarfile.FIFOTYPE), "名前付きパイプ(FIFO)"),
    ],
)
def test_a_tar_member_that_is_not_a_plain_file_is_refused_by_name(
    tmp_path: Path, member: tarfile.TarInfo, kind: str
) -> None:
    archive = _tar(tmp_path / "export.tar.gz", member)
    with pytest.raises(ArchiveError) as excinfo:
        open_source(archive)
    message = excinfo.value.message
    assert f"「{member.name}」({kind})" in message and "export.tar.gz" in message
    assert "読み込みを中止しました" in message
    with pytest.raises(ArchiveError, match=re.escape(kind)):  # the same through the importer's entry point
        open_export(archive)


def test_a_tar_of_plain_files_and_folders_still_opens(tmp_path: Path) -> None:
    folder = tarfile.TarInfo("media_attachments")
    folder.type = tarfile.DIRTYPE
    source = open_source(_tar(tmp_path / "ok.tar.gz", folder))
    try:
        assert list(source.names()) == ["outbox.json"]
    finally:
        source.close()


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        (stat.S_IFLNK | 0o777, "シンボリックリンク"),
        (stat.S_IFIFO | 0o644, "名前付きパイプ(FIFO)"),
        (stat.S_IFCHR | 0o644, "デバイスファイル"),
        (stat.S_IFSOCK | 0o644, "ソケット"),
    ],
)
def test_a_zip_member_whose_unix_mode_is_a_link_or_device_is_refused(tmp_path: Path, mode: int, kind: str) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("outbox.json", OUTBOX)
        link = zipfile.ZipInfo("media_attachments/files/a.png")
        link.create_system = 3
        link.external_attr = mode << 16
        z.writestr(link, "../../../etc/passwd")
    with pytest.raises(ArchiveError) as excinfo:
        open_source(path)
    assert f"「media_attachments/files/a.png」({kind})" in excinfo.value.message


def test_zip_members_with_plain_modes_or_from_windows_open(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        unix = zipfile.ZipInfo("outbox.json")
        unix.create_system = 3
        unix.external_attr = (stat.S_IFREG | 0o644) << 16
        z.writestr(unix, OUTBOX)
        windows = zipfile.ZipInfo("actor.json")
        windows.create_system = 0
        windows.external_attr = 0xA1FF0020  # high bits that would read as a link if they were a Unix mode
        z.writestr(windows, b"{}")
    source = open_source(path)
    try:
        assert list(source.names()) == ["actor.json", "outbox.json"]
    finally:
        source.close()


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are a POSIX thing")
def test_a_fifo_in_an_extracted_folder_is_refused_instead_of_waiting_for_ever(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "outbox.json").write_bytes(OUTBOX)
    os.mkfifo(folder / "actor.json")
    with pytest.raises(ArchiveError) as excinfo:
        open_source(folder)
    assert "「actor.json」(名前付きパイプ(FIFO))" in excinfo.value.message


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are a POSIX thing")
def test_a_file_swapped_for_a_fifo_after_opening_is_refused_when_read(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "outbox.json").write_bytes(OUTBOX)
    (folder / "actor.json").symlink_to(folder / "outbox.json")  # a link to a plain file inside: fine
    source = open_source(folder)
    try:
        assert source.read("actor.json") == OUTBOX
        (folder / "outbox.json").unlink()
        os.mkfifo(folder / "outbox.json")
        with pytest.raises(ArchiveError, match="名前付きパイプ"):
            source.read("actor.json")  # through the link
        with pytest.raises(ArchiveError, match="名前付きパイプ"):
            source.open("outbox.json")
    finally:
        source.close()
