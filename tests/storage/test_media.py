from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sns_desk.storage.errors import StorageError
from sns_desk.storage.media import MediaStore


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    digest = store.put(b"image bytes")
    assert digest == hashlib.sha256(b"image bytes").hexdigest()
    assert store.put(b"image bytes") == digest
    assert store.path(digest).parent.name == digest[:2]
    assert store.get(digest) == b"image bytes"
    assert [p.name for p in (tmp_path / "media").rglob("*") if p.is_file()] == [digest]


def test_damaged_file_is_reported_not_used(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    digest = store.put(b"original")
    store.path(digest).write_bytes(b"changed!")
    with pytest.raises(StorageError, match="壊れています"):
        store.get(digest)


def test_missing_file_and_bad_identifier(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    with pytest.raises(StorageError, match="見つからない"):
        store.get("0" * 64)
    with pytest.raises(StorageError, match="識別子"):
        store.get("../../etc/passwd")


def test_storing_the_same_bytes_again_repairs_a_damaged_copy(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    digest = store.put(b"original")
    store.path(digest).write_bytes(b"damaged!")
    assert store.put(b"original") == digest
    assert store.get(digest) == b"original"
