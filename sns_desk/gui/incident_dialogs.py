"""The インシデント window's dialogs: reporting an incident, a step done or not needed, a note,
evidence, a text from the incident's facts, closing.

Like :mod:`sns_desk.gui.dialogs`, each opens through a ``classmethod ask(...)`` that returns the answer
(None when cancelled), so that tests replace ``ask``. Each can start from the answer the service refused
last time (``previous``), so nothing typed is lost. The dialogs only collect input: the incident rules
decide whether it is acceptable. The two that look something up while open (the text's preview, the
archive's posts) run it on the window's :class:`~sns_desk.gui.ops.OpRunner`, never on the UI thread.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.accounts import Account
from ..core.incidents import Checklist, EvidenceKind, GeneratedText, IncidentKind, Step, TextKind, jst_date_text, rules
from ..core.jst import JST
from ..services.registry import PLATFORM_LABELS
from ..storage.search import FoundItem
from .dialogs import IMAGE_FILE_FILTER, _FormDialog, _ReasonDialog, _run, _text_width
from .errors import error_text
from .ops import OpRunner

PREVIEW_DELAY_MS: Final = 400
"""How long typing must pause before the text's preview is asked for again."""
ERROR_STYLE: Final = "color: #c62828;"


def _plain_label(text: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def _note_label(text: str) -> QLabel:
    label = _plain_label(text)
    label.setStyleSheet("color: #555555;")
    return label


def account_label(account: Account) -> str:
    """「東広島市広報(X)」, with 「休止」 and the like for an account not in operation."""
    platform = PLATFORM_LABELS.get(account.platform, account.platform)
    state = "" if account.postable else f"・{account.status.label}"
    return f"{account.name}({platform}{state})"


# == 報告 =====================================================================================================


@dataclass(frozen=True, slots=True)
class ReportAnswer:
    account_id: int
    kind: IncidentKind
    description: str
    found_at: dt.datetime
    """Aware, in Japan time."""
    found_by: str
    """Who noticed it ('' → the reporter)."""


def _jst_qdatetime(moment: dt.datetime) -> QDateTime:
    local = moment.astimezone(JST)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


class ReportDialog(_FormDialog):
    """事案を報告: the account, the kind (with what its checklist is for), what happened, when and by whom."""

    def __init__(
        self,
        parent: QWidget | None,
        accounts: Sequence[Account],
        checklists: Sequence[Checklist],
        previous: ReportAnswer | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        super().__init__(parent, "事案を報告", "報告する")
        self._checklists = {c.kind: c for c in checklists}
        intro = _plain_label(
            "なりすまし・乗っ取り・炎上・誤投稿など、公式アカウントのトラブルを記録します(第8条・第9条)。"
            "報告すると、アカウントの管理者と運用管理者の一覧に表示され、種類ごとの手順が始まります。"
        )
        self.layout_.addWidget(intro)

        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("対象のアカウント")
        for account in accounts:
            self.account_combo.addItem(account_label(account), account.id)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("事案の種類")
        for kind in IncidentKind:
            article = f"({kind.article})" if kind.article else ""
            self.kind_combo.addItem(f"{kind.label}{article}", kind.value)  # Qt keeps a StrEnum as a plain str
        self.kind_note = _note_label("")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setAccessibleName("何が起きたか")
        self.description_edit.setPlaceholderText(
            "例: 市の広報アカウントを名乗る偽のアカウント(@hh_koho_jp)が見つかった"
        )
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.found_edit = QDateTimeEdit()
        self.found_edit.setAccessibleName("発見日時(日本時間)")
        self.found_edit.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.found_edit.setDisplayFormat("yyyy年M月d日(ddd) HH:mm")
        self.found_edit.setCalendarPopup(True)
        self.found_by_edit = QLineEdit()
        self.found_by_edit.setAccessibleName("発見者")
        self.found_by_edit.setPlaceholderText("空欄なら自分。例: 市民からの電話")
        self.found_by_edit.setMaxLength(rules.MAX_FOUND_BY)

        form = QFormLayout()
        form.addRow("アカウント(&A):", self.account_combo)
        form.addRow("種類(&K):", self.kind_combo)
        form.addRow("", self.kind_note)
        form.addRow("何が起きたか(&D):", self.description_edit)
        form.addRow("発見日時(&T):", self.found_edit)
        form.addRow("", _note_label("日本時間で入力します。未来の日時は指定できません。"))
        form.addRow("発見者(&B):", self.found_by_edit)
        self.layout_.addLayout(form)
        self.layout_.addWidget(
            _note_label("説明は庁内向けの記録です。パスワードなど、書いてはいけない情報は書かないでください(第7条)。")
        )

        given = previous
        moment = given.found_at if given is not None else (now or dt.datetime.now(dt.UTC))
        self.found_edit.setDateTime(_jst_qdatetime(moment))
        if given is not None:
            self.account_combo.setCurrentIndex(max(self.account_combo.findData(given.account_id), 0))
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(given.kind.value), 0))
            self.description_edit.setPlainText(given.description)
            self.found_by_edit.setText(given.found_by)
        self.kind_combo.currentIndexChanged.connect(self._show_kind)
        self.description_edit.textChanged.connect(self.update_ok)
        self._show_kind()
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 40))

    def kind(self) -> IncidentKind:
        return IncidentKind(self.kind_combo.currentData())

    def _show_kind(self) -> None:
        checklist = self._checklists.get(self.kind())
        if checklist is None:
            self.kind_note.setText("")
            return
        required = sum(1 for s in checklist.steps if s.required)
        self.kind_note.setText(f"{checklist.summary}\n手順 {len(checklist.steps)} 件(必須 {required} 件)")

    def is_complete(self) -> bool:
        return self.account_combo.currentIndex() >= 0 and bool(self.description_edit.toPlainText().strip())

    def answer(self) -> ReportAnswer:
        qdt = self.found_edit.dateTime()
        d, t = qdt.date(), qdt.time()
        found = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=JST)
        return ReportAnswer(
            int(self.account_combo.currentData()),
            self.kind(),
            self.description_edit.toPlainText().strip(),
            found,
            self.found_by_edit.text().strip(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        accounts: Sequence[Account],
        checklists: Sequence[Checklist],
        previous: ReportAnswer | None = None,
        now: dt.datetime | None = None,
    ) -> ReportAnswer | None:
        dialog = cls(parent, accounts, checklists, previous, now)
        return dialog.answer() if _run(dialog) else None


# == the checklist ============================================================================================


def _step_intro(step: Step) -> str:
    need = "必須の手順" if step.required else "必要に応じて行う手順"
    article = f"・{html.escape(step.article)}" if step.article else ""
    text = f"<b>{html.escape(step.title)}</b><br/>{need}{article}"
    if step.help:
        text += f"<br/>{html.escape(step.help)}"
    return text


class StepDoneDialog(_FormDialog):
    """手順を済みにする: what was done (optional). A step once done stays done, so this asks first."""

    def __init__(self, parent: QWidget | None, step: Step, previous: str = "") -> None:
        super().__init__(parent, "手順を済みにする", "済みにする")
        intro = QLabel(_step_intro(step))
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        label = QLabel("行ったことの記録(任意)(&N):")
        self.note_edit = QPlainTextEdit(previous)
        self.note_edit.setAccessibleName("行ったことの記録")
        self.note_edit.setPlaceholderText("例: 行ったこと、連絡した相手、受付番号など")
        self.note_edit.setTabChangesFocus(True)
        label.setBuddy(self.note_edit)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.note_edit)
        self.layout_.addWidget(_note_label("済みにした手順は元に戻せません。だれがいつ済みにしたかが経過に残ります。"))
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 34))

    def answer(self) -> str:
        return self.note_edit.toPlainText().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, step: Step, previous: str = "") -> str | None:
        dialog = cls(parent, step, previous)
        return dialog.answer() if _run(dialog) else None


class NotNeededDialog(_ReasonDialog):
    """手順を不要にする: why this optional step is not needed for this incident (required)."""

    def __init__(self, parent: QWidget | None, step: Step, previous: str = "") -> None:
        super().__init__(
            parent,
            "手順を不要にする",
            "不要にする",
            f"{_step_intro(step)}<br/><br/>この事案ではこの手順が要らない理由を書いてください。理由は経過に残ります。"
            "後から必要になったときは、改めて済みにできます。",
            "理由(必須)(&R):",
        )
        self.text_edit.setAccessibleName("不要とする理由")
        self.text_edit.setPlainText(previous)

    @classmethod
    def ask(cls, parent: QWidget | None, step: Step, previous: str = "") -> str | None:
        dialog = cls(parent, step, previous)
        return dialog.answer() if _run(dialog) else None


class NoteDialog(_ReasonDialog):
    """メモを追加: a line in the timeline (what happened, what was decided, who was told)."""

    def __init__(self, parent: QWidget | None, subject: str, previous: str = "") -> None:
        super().__init__(
            parent,
            "メモを追加",
            "追加する",
            f"{html.escape(subject)}の経過に記録します。起きたこと、決めたこと、連絡した相手などを書いてください。"
            "記録は後から消せません。",
            "メモ(&M):",
        )
        self.text_edit.setAccessibleName("メモ")
        self.text_edit.setPlainText(previous)

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str, previous: str = "") -> str | None:
        dialog = cls(parent, subject, previous)
        return dialog.answer() if _run(dialog) else None


class CloseIncidentDialog(_FormDialog):
    """事案を終了: a summary of how it ended (optional); nothing can be added afterwards."""

    def __init__(self, parent: QWidget | None, subject: str, previous: str = "") -> None:
        super().__init__(parent, "事案を終了", "終了する")
        self.layout_.addWidget(
            _plain_label(
                f"{subject}を終了します。終了した事案には、メモや証拠を追加できなくなります"
                "(記録はそのまま残り、「終了した事案も表示」で見られます)。"
            )
        )
        label = QLabel("対応の結果のまとめ(任意)(&S):")
        self.summary_edit = QPlainTextEdit(previous)
        self.summary_edit.setAccessibleName("対応の結果のまとめ")
        self.summary_edit.setPlaceholderText("例: 偽アカウントは運営会社により停止された。市ホームページで周知済み")
        self.summary_edit.setTabChangesFocus(True)
        label.setBuddy(self.summary_edit)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.summary_edit)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 34))

    def answer(self) -> str:
        return self.summary_edit.toPlainText().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str, previous: str = "") -> str | None:
        dialog = cls(parent, subject, previous)
        return dialog.answer() if _run(dialog) else None


# == evidence =================================================================================================


@dataclass(frozen=True, slots=True)
class EvidenceAnswer:
    kind: EvidenceKind
    value: str
    """The address, the image file's path, or the archive post's number."""
    note: str = ""


ArchiveFinder = Callable[[str], Sequence[FoundItem]]
"""Searches the incident account's archive posts (on the worker thread)."""

_EVIDENCE_KINDS: Final = (
    (EvidenceKind.URL, "URL(&U)", "偽アカウントや問題の投稿・コメントのアドレス"),
    (EvidenceKind.FILE, "画面の記録(画像)(&F)", "画面を撮った画像ファイル(PNG・JPEG など)。そのまま保存されます"),
    (EvidenceKind.ITEM, "アーカイブの投稿(&P)", "アーカイブ(第6条)にある、このアカウントの投稿(誤った投稿など)"),
)


class EvidenceDialog(_FormDialog):
    """証拠を追加: an address, a screenshot file, or a post of the account's archive, with a note."""

    searched = Signal(int)
    """The archive search shows this many posts."""

    def __init__(
        self,
        parent: QWidget | None,
        previous: EvidenceAnswer | None = None,
        *,
        find: ArchiveFinder | None = None,
        runner: OpRunner | None = None,
    ) -> None:
        super().__init__(parent, "証拠を追加", "追加する")
        self._find = find
        self._runner = runner
        self._finished = False
        self._asked = 0
        self.layout_.addWidget(
            _plain_label("事案の証拠を記録します。追加した証拠は削除できません(だれがいつ追加したかが残ります)。")
        )
        self.kind_buttons = QButtonGroup(self)
        kinds = QHBoxLayout()
        for i, (_kind, label, tip) in enumerate(_EVIDENCE_KINDS):
            button = QRadioButton(label)
            button.setToolTip(tip)
            button.setAccessibleName(label.replace("(&", "").split(")")[0].replace("&", ""))
            self.kind_buttons.addButton(button, i)
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.layout_.addLayout(kinds)

        self.pages = QStackedWidget()
        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName("証拠の URL")
        self.url_edit.setPlaceholderText("https://")
        self.url_edit.setMaxLength(rules.MAX_URL)
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("画像ファイル")
        self.path_edit.setPlaceholderText("画面を撮った画像ファイルのパス")
        browse = QPushButton("参照(&B)…")
        browse.clicked.connect(self._browse)
        self.item_edit = QLineEdit()
        self.item_edit.setAccessibleName("アーカイブの投稿の番号")
        self.item_edit.setValidator(QIntValidator(1, 2_147_483_647, self))
        self.item_edit.setPlaceholderText("投稿の番号")
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("アーカイブを検索する語")
        self.search_edit.setPlaceholderText("本文の語で検索(空欄なら新しい順)")
        self.search_button = QPushButton("検索(&S)")
        self.search_button.clicked.connect(self.search)
        self.search_edit.returnPressed.connect(self.search)
        self.results = QListWidget()
        self.results.setAccessibleName("アーカイブの投稿")
        self.results.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.results.currentItemChanged.connect(self._choose_result)
        self.search_note = _note_label("事案のアカウントの投稿を、アーカイブ(第6条)から探します。")

        url_page = QWidget()
        url_layout = QFormLayout(url_page)
        url_layout.setContentsMargins(0, 0, 0, 0)
        url_layout.addRow("URL:", self.url_edit)
        file_page = QWidget()
        file_layout = QHBoxLayout(file_page)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.addWidget(QLabel("ファイル:"))
        file_layout.addWidget(self.path_edit, 1)
        file_layout.addWidget(browse)
        item_page = QWidget()
        item_layout = QVBoxLayout(item_page)
        item_layout.setContentsMargins(0, 0, 0, 0)
        if find is not None and runner is not None:
            search_row = QHBoxLayout()
            search_row.addWidget(self.search_edit, 1)
            search_row.addWidget(self.search_button)
            item_layout.addLayout(search_row)
            item_layout.addWidget(self.results)
            item_layout.addWidget(self.search_note)
        number_row = QFormLayout()
        number_row.addRow("投稿の番号:", self.item_edit)
        item_layout.addLayout(number_row)
        for page in (url_page, file_page, item_page):
            self.pages.addWidget(page)
        self.layout_.addWidget(self.pages)

        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("証拠の説明")
        self.note_edit.setPlaceholderText("例: 偽アカウントのプロフィール画面")
        note_form = QFormLayout()
        note_form.addRow("説明(任意)(&N):", self.note_edit)
        self.layout_.addLayout(note_form)

        given = previous or EvidenceAnswer(EvidenceKind.URL, "")
        index = next(i for i, (kind, _l, _t) in enumerate(_EVIDENCE_KINDS) if kind is given.kind)
        self.kind_buttons.button(index).setChecked(True)
        self.pages.setCurrentIndex(index)
        {EvidenceKind.URL: self.url_edit, EvidenceKind.FILE: self.path_edit, EvidenceKind.ITEM: self.item_edit}[
            given.kind
        ].setText(given.value)
        self.note_edit.setText(given.note)
        self.kind_buttons.idToggled.connect(self._kind_toggled)
        for edit in (self.url_edit, self.path_edit, self.item_edit):
            edit.textChanged.connect(self.update_ok)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 40))

    def kind(self) -> EvidenceKind:
        return _EVIDENCE_KINDS[max(self.kind_buttons.checkedId(), 0)][0]

    def _kind_toggled(self, index: int, checked: bool) -> None:
        if checked:
            self.pages.setCurrentIndex(index)
            self.update_ok()

    def _value_edit(self) -> QLineEdit:
        return {EvidenceKind.URL: self.url_edit, EvidenceKind.FILE: self.path_edit, EvidenceKind.ITEM: self.item_edit}[
            self.kind()
        ]

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "画面の記録(画像)を選ぶ", self.path_edit.text(), IMAGE_FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def search(self) -> None:
        """Look the words up in the account's archive (on the worker), newest first."""
        find, runner = self._find, self._runner
        if find is None or runner is None:
            return
        self._asked += 1
        asked, words = self._asked, self.search_edit.text()
        self.search_note.setText("検索しています…")
        self.search_note.setStyleSheet("color: #555555;")
        runner.run(lambda: list(find(words)), lambda items: self._found(asked, items), lambda e: self._failed(asked, e))

    def _found(self, asked: int, items: list[FoundItem]) -> None:
        if self._finished or asked != self._asked:
            return
        self.results.clear()
        for item in items:
            row = QListWidgetItem(f"{item.id}  {jst_date_text(item.posted_at)}  {' '.join(item.text.split())[:60]}")
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            row.setToolTip(f"{item.text}\n{item.url}")
            self.results.addItem(row)
        self.search_note.setText(
            f"{len(items)} 件。選ぶと番号が入ります。"
            if items
            else "見つかりませんでした。語を変えるか、番号を入力してください。"
        )
        self.searched.emit(len(items))

    def _failed(self, asked: int, exc: Exception) -> None:
        if self._finished or asked != self._asked:
            return
        self.search_note.setText(error_text(exc)[1])
        self.search_note.setStyleSheet(ERROR_STYLE)
        self.searched.emit(-1)

    def _choose_result(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.item_edit.setText(str(current.data(Qt.ItemDataRole.UserRole)))

    def done(self, result: int) -> None:
        self._finished = True  # a search still under way shows nothing in a closed dialog
        super().done(result)

    def is_complete(self) -> bool:
        return bool(self._value_edit().text().strip())

    def answer(self) -> EvidenceAnswer:
        return EvidenceAnswer(self.kind(), self._value_edit().text().strip(), self.note_edit.text().strip())

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        previous: EvidenceAnswer | None = None,
        *,
        find: ArchiveFinder | None = None,
        runner: OpRunner | None = None,
    ) -> EvidenceAnswer | None:
        dialog = cls(parent, previous, find=find, runner=runner)
        return dialog.answer() if _run(dialog) else None


# == texts ====================================================================================================


@dataclass(frozen=True, slots=True)
class TextAnswer:
    kind: TextKind
    message: str = ""


Previewer = Callable[[TextKind, str], GeneratedText]
"""Writes the text from the incident's facts (on the worker thread; nothing is stored)."""


class TextDialog(_FormDialog):
    """文面を作成: choose the text, add what it should say, read the preview, then make it a draft.

    「投稿案にする」 is enabled once the preview of exactly what is chosen and typed is shown, and only
    when the account can take a draft (``refusal`` says why not: e.g. the account is suspended).
    """

    previewShown = Signal(object)
    """The :class:`GeneratedText` now in the preview."""
    previewFailed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None,
        subject: str,
        offered: Sequence[tuple[TextKind, str]],
        preview: Previewer,
        runner: OpRunner,
        previous: TextAnswer | None = None,
        refusal: str | None = None,
    ) -> None:
        super().__init__(parent, "文面を作成", "投稿案にする")
        self._preview = preview
        self._runner = runner
        self._refusal = refusal
        self._finished = False
        self._asked = 0
        self._shown_for: tuple[TextKind, str] | None = None
        self.layout_.addWidget(
            _plain_label(
                f"{subject}の内容から、お知らせなどの文案を作ります。「投稿案にする」と投稿デスクの投稿案になり、"
                "そこで直して、チェックと承認を経てから公開します。"
            )
        )
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("文案の種類")
        for kind, title in offered:
            self.kind_combo.addItem(title, kind.value)  # the template's title says what and where
            self.kind_combo.setItemData(self.kind_combo.count() - 1, kind.label, Qt.ItemDataRole.ToolTipRole)
        self.message_edit = QPlainTextEdit()
        self.message_edit.setAccessibleName("文案に入れる文")
        self.message_edit.setPlaceholderText("訂正の内容、説明など(任意)。文案の決まった場所に入ります")
        self.message_edit.setTabChangesFocus(True)
        self.message_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        form = QFormLayout()
        form.addRow("文案(&K):", self.kind_combo)
        form.addRow("入れる文(&M):", self.message_edit)
        self.layout_.addLayout(form)
        self.preview_title = QLabel("")
        self.preview_title.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_title.setStyleSheet("font-weight: bold;")
        self.preview_edit = QPlainTextEdit()
        self.preview_edit.setAccessibleName("文案のプレビュー")
        self.preview_edit.setReadOnly(True)
        self.preview_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        self.preview_note = _note_label("")
        self.layout_.addWidget(QLabel("プレビュー:"))
        self.layout_.addWidget(self.preview_title)
        self.layout_.addWidget(self.preview_edit, 1)
        self.layout_.addWidget(self.preview_note)
        self.layout_.addWidget(
            _note_label("事案の説明は庁内向けの記録です。公開する文に入っている場合は、内容を確かめてください。")
        )
        if previous is not None:
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(previous.kind.value), 0))
            self.message_edit.setPlainText(previous.message)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.request_preview)
        self.kind_combo.currentIndexChanged.connect(self.request_preview)
        self.message_edit.textChanged.connect(self._typed)
        self.finish_layout()
        if refusal is not None:
            self.ok_button.setToolTip(refusal)
            self.preview_note.setText(refusal)
            self.preview_note.setStyleSheet(ERROR_STYLE)
        self.setMinimumWidth(_text_width(self, 44))
        self.request_preview()

    def chosen(self) -> TextAnswer:
        data = self.kind_combo.currentData()
        return TextAnswer(
            TextKind(data) if data is not None else TextKind.POST, self.message_edit.toPlainText().strip()
        )

    def _typed(self) -> None:
        self.update_ok()  # what is shown is no longer what is typed
        self.timer.start()

    def request_preview(self) -> None:
        """Ask for the text as chosen and typed now (on the worker); the last request wins."""
        self.timer.stop()
        if self.kind_combo.currentIndex() < 0:
            return
        chosen, make = self.chosen(), self._preview
        self._asked += 1
        asked = self._asked
        self.update_ok()
        self._runner.run(
            lambda: make(chosen.kind, chosen.message),
            lambda generated: self._shown(asked, chosen, generated),
            lambda exc: self._failed(asked, exc),
            label="text preview",
        )

    def _shown(self, asked: int, chosen: TextAnswer, generated: GeneratedText) -> None:
        if self._finished or asked != self._asked:
            return
        self.preview_title.setText(generated.title)
        self.preview_edit.setPlainText(generated.body)
        self._shown_for = (chosen.kind, chosen.message)
        if self._refusal is None:
            self.preview_note.setText(f"{len(generated.body)} 文字")
        self.update_ok()
        self.previewShown.emit(generated)

    def _failed(self, asked: int, exc: Exception) -> None:
        if self._finished or asked != self._asked:
            return
        message = error_text(exc)[1]
        self._shown_for = None
        self.preview_title.setText("")
        self.preview_edit.setPlainText("")
        self.preview_note.setText(message)
        self.preview_note.setStyleSheet(ERROR_STYLE)
        self.update_ok()
        self.previewFailed.emit(message)

    def is_complete(self) -> bool:
        if self._refusal is not None or self._shown_for is None:
            return False
        chosen = self.chosen()
        return self._shown_for == (chosen.kind, chosen.message)

    def done(self, result: int) -> None:
        self._finished = True
        self.timer.stop()
        super().done(result)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        subject: str,
        offered: Sequence[tuple[TextKind, str]],
        preview: Previewer,
        runner: OpRunner,
        previous: TextAnswer | None = None,
        refusal: str | None = None,
    ) -> TextAnswer | None:
        dialog = cls(parent, subject, offered, preview, runner, previous, refusal)
        return dialog.chosen() if _run(dialog) else None
