"""Reading what the user hands the CLI, with a clear Japanese message for every bad input."""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.errors import InvalidInput

MAX_TEXT_BYTES = 1024 * 1024
"""A post is at most a few thousand characters; 1 MiB leaves room for long policy texts."""
MAX_BATCH_BYTES = 512 * 1024 * 1024


class InputError(InvalidInput):
    """Bad input: the message is for the user, in Japanese."""


def read_bytes(source: str, limit: int) -> bytes:
    """The bytes of ``source`` (a path or ``-``), refusing more than ``limit``."""
    name = "標準入力" if source == "-" else source
    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            path = Path(source)
            if path.is_dir():
                raise InputError(f"{name} はフォルダです。テキストファイルを指定してください")
            with path.open("rb") as f:
                data = f.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{name} が見つかりません") from None
    except PermissionError:
        raise InputError(f"{name} を読む権限がありません") from None
    except OSError as exc:
        raise InputError(f"{name} を読み込めません({exc.strerror or exc})") from None
    if len(data) > limit:
        raise InputError(
            f"{name} が大きすぎます({limit // (1024 * 1024)} MB を超えています)。投稿文だけを切り出して指定してください"
        )
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM); other encodings are named when recognisable."""
    if b"\x00" in data:
        raise InputError(f"{name} はテキストではありません(NUL 文字を含むバイナリです)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        for encoding, label in (("cp932", "Shift_JIS(CP932)"), ("euc_jp", "EUC-JP")):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                continue
            hint = f"{label} のようです。"
            break
        raise InputError(
            f"{name} の文字コードが UTF-8 ではありません({exc.start + 1} バイト目)。{hint}UTF-8 で保存し直してください"
        ) from None


def control_characters(text: str) -> int:
    """How many C0/C1 control characters other than tab and line breaks the text holds."""
    return sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r") or 0x7F <= ord(ch) < 0xA0)
