"""The offline viewer of a package, ``data/viewer/``: opened from disk in any browser, without the app.

``index.html`` is rendered from ``resources/viewer/index.html.j2`` (Jinja2, auto-escaped), ``viewer.js`` and
``viewer.css`` are copied verbatim, and ``items.js`` (:class:`ItemsScript`) assigns the items to
``window.SNS_ARCHIVE``, so that the page works from ``file://`` where a browser would not fetch a JSON file.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Final

import jinja2

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.package.layout import FORMAT_VERSION, json_bytes
from sns_desk.resources import resource_path

VIEWER_STATIC_FILES: Final = ("viewer.js", "viewer.css")
"""Copied verbatim from ``resources/viewer/`` next to the rendered ``index.html``."""


class ItemsScript:
    """Writes ``items.js`` one item record at a time, oldest first; :meth:`close` ends the script."""

    def __init__(self, out: IO[bytes], *, title: str, count: int) -> None:
        self._out = out
        self._n = 0
        head = {"count": count, "format": FORMAT_VERSION, "title": title}
        out.write(b"window.SNS_ARCHIVE = " + json_bytes(head)[:-1] + b',"items":[')

    def add(self, record: Mapping[str, Any]) -> None:
        """One record of ``items.jsonl`` (its media with their ``path``)."""
        self._out.write((b"\n" if self._n == 0 else b",\n") + json_bytes(viewer_record(record)))
        self._n += 1

    def close(self) -> None:
        self._out.write(b"\n]}\n")


def viewer_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the viewer needs: the item without empty fields, media without their SHA-256."""
    out = {name: value for name, value in record.items() if value and name != "media"}
    if record["media"]:
        out["media"] = [{"name": m["name"], "path": m["path"]} for m in record["media"]]
    return out


def write_viewer_files(viewer: Path, *, title: str, count: int) -> None:
    """Render ``index.html`` into the folder ``viewer`` and copy the static files next to it."""
    source = resource_path("viewer")
    try:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(source),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        html = env.get_template("index.html.j2").render(title=title, count=count, format=FORMAT_VERSION)
    except jinja2.TemplateError as exc:
        raise ArchiveError(f"ビューアーのひな形「{source}」を読めません({exc})") from exc
    (viewer / "index.html").write_bytes(html.encode("utf-8"))
    for name in VIEWER_STATIC_FILES:
        shutil.copyfile(source / name, viewer / name)
