"""The guideline in the Help menu: the gist of articles 4–10, and where the full text lives.

The gists are the project's own one-line summaries, not quotations of the guideline. The full
text is opened from a location the user sets (a file path or a URL), kept in ``QSettings``
under :data:`SETTINGS_KEY`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices

SETTINGS_KEY: Final = "guideline/location"


@dataclass(frozen=True, slots=True)
class ArticleGist:
    number: int
    heading: str
    gist: str

    @property
    def label(self) -> str:
        return f"第{self.number}条"


ARTICLE_GISTS: Final[tuple[ArticleGist, ...]] = (
    ArticleGist(
        4,
        "アカウントの開設と管理",
        "公式アカウントは広報戦略担当(運用管理者)の承認を得て開き、所属長がアカウント管理者として"
        "利用方針を決めて公開し、それに沿って運用する。",
    ),
    ArticleGist(
        5,
        "発信に使う端末",
        "投稿は市が管理する端末から行うのが原則で、災害などの非常時だけ例外になる。",
    ),
    ArticleGist(
        6,
        "発信の基本",
        "職員としての責任を持ち、法令・権利・守秘に注意して、正確で誤解を生まない内容にする。"
        "誤解を招いたら誠実に正し、投稿の控えは庁内に残す。",
    ),
    ArticleGist(
        7,
        "発信してはいけない情報",
        "悪口や差別、違法行為やそのあおり、わいせつな内容、セキュリティを損なう情報、権利侵害、"
        "秘密や個人情報、市政への私見、うわさ話などは投稿しない。",
    ),
    ArticleGist(
        8,
        "トラブルが起きたとき",
        "なりすましや乗っ取りはすぐ運用管理者に知らせて周知する。炎上したら言い返さず、"
        "必要に応じて説明・訂正・おわびをする。",
    ),
    ArticleGist(
        9,
        "トラブルを防ぐ",
        "誤りはすぐに訂正しておわびし、方針に反する書き込みは消す。短縮URLは使わず、"
        "他人の投稿の引用や外部サイトへのリンクは慎重に選ぶ。",
    ),
    ArticleGist(
        10,
        "その他",
        "ここに書かれていないことは運用管理者が決める(このアプリのルールブックもこれに当たる)。",
    ),
)


def guideline_location(settings: QSettings) -> str:
    """The configured location of the full guideline ("" when none is set)."""
    value = settings.value(SETTINGS_KEY, "")
    return value.strip() if isinstance(value, str) else ""


def set_guideline_location(settings: QSettings, location: str) -> None:
    settings.setValue(SETTINGS_KEY, location.strip())
    settings.sync()


def location_url(location: str) -> QUrl | None:
    """A URL for ``location``: web and file URLs as they are, anything else as a local path."""
    location = location.strip()
    if not location:
        return None
    url = QUrl(location)
    if url.isValid() and url.scheme().lower() in ("http", "https", "file"):
        return url
    return QUrl.fromLocalFile(str(Path(location).expanduser()))


def missing_local_file(url: QUrl) -> bool:
    """Whether ``url`` names a local file that is not there (a web address never is)."""
    return url.isLocalFile() and not Path(url.toLocalFile()).exists()


def open_location(url: QUrl) -> bool:
    """Open ``url`` with the desktop's browser or viewer."""
    return QDesktopServices.openUrl(url)
