"""The registry window's dialogs (第4条): the account form, approval, reasons, publication, the diff.

Like :mod:`sns_desk.gui.dialogs`, each opens through a ``classmethod ask(...)`` that returns the
answer (None when cancelled), so that tests replace ``ask``. The dialogs only collect input; the
registry service decides whether it is acceptable.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.policy import ItemDiff, diff_to_html
from ..services.registry import PLATFORM_LABELS, AccountFactsInput
from .dialogs import MessageDialog, _FormDialog, _ReasonDialog, _run, _text_width

DIFF_STYLE: Final = """
h4 { margin-top: 12px; margin-bottom: 4px; color: #1f3a68; }
table { border-collapse: collapse; margin-bottom: 10px; }
td { border: 1px solid #cfcfcf; padding: 3px; vertical-align: top; }
th { padding: 3px; }
td.no { color: #888888; }
tr.replace td { background-color: #fff8e1; }
tr.delete td { background-color: #fdecea; }
tr.insert td { background-color: #eaf6ea; }
del { background-color: #ffc9c4; color: #8b0000; }
ins { background-color: #b9e6bd; text-decoration: none; }
"""
_CAPTION: Final = re.compile(r"<table ([^>]*)>\n<caption>(.*?)</caption>")
_JAPAN: Final = QLocale(QLocale.Language.Japanese, QLocale.Country.Japan)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _date_edit(day: dt.date, name: str) -> QDateEdit:
    edit = QDateEdit(to_qdate(day))
    edit.setLocale(_JAPAN)
    edit.setDisplayFormat("yyyy年M月d日(ddd)")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    return edit


# == the account form ============================================================================================


class AccountFormDialog(_FormDialog):
    """開設を申請 / 登録情報を編集: the facts of one account (the policy is written from them)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        ok_label: str,
        initial: AccountFactsInput | None = None,
        *,
        requesting: bool = True,
    ) -> None:
        super().__init__(parent, title, ok_label)
        self.requesting = requesting
        facts = initial or AccountFactsInput(platform="x", name="", url="", department="")
        intro = QLabel(
            "所属長が運用管理者(広報戦略担当)に文書で申し入れ、承認を受けてからアカウントを取得します(第4条第2項)。"
            "ここに書いた内容は、利用方針(第4条第4項)の各号にそのまま差し込まれます。"
            if requesting
            else "アカウント登録情報を直します。利用方針の文面は、次に保存する版から新しい登録情報で確かめられます。"
        )
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)

        self.platform_combo = QComboBox()
        self.platform_combo.setAccessibleName("サービス")
        for key, label in PLATFORM_LABELS.items():
            self.platform_combo.addItem(label, key)
        if self.platform_combo.findData(facts.platform) < 0:
            self.platform_combo.addItem(facts.platform, facts.platform)
        self.platform_combo.setCurrentIndex(self.platform_combo.findData(facts.platform))

        def line(value: str, name: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit(value)
            edit.setAccessibleName(name)
            edit.setPlaceholderText(placeholder)
            edit.setMinimumWidth(_text_width(self, 26))
            edit.textChanged.connect(self.update_ok)
            return edit

        self.name_edit = line(facts.name, "アカウント名", "例: @higashihiroshima_city(サービス上の名前や ID)")
        self.url_edit = line(facts.url, "URL", "https://(短縮 URL は使えません)")
        self.department_edit = line(facts.department, "所属", "例: 総務部 経営戦略チーム 広報戦略担当")
        self.display_name_edit = line(facts.display_name, "表示名", "例: 東広島市(空欄ならアカウント名)")
        self.manager_edit = line(
            facts.manager, "アカウント管理者のログイン名", "空欄なら申請する人(所属長)" if requesting else ""
        )
        self.manager_title_edit = line(facts.manager_title, "アカウント管理者の役職", "例: 広報戦略担当課長")
        self.publisher_title_edit = line(facts.publisher_title, "情報発信責任者の役職", "空欄ならアカウント管理者")
        self.hours_edit = line(facts.operating_hours, "運用時間", "例: 平日 8時30分〜17時15分")
        self.contact_edit = line(facts.contact, "問い合わせ先", "例: 082-420-0919 koho@city.example.lg.jp")
        self.purpose_edit = QPlainTextEdit(facts.purpose)
        self.purpose_edit.setAccessibleName("開設の目的")
        self.purpose_edit.setTabChangesFocus(True)
        self.purpose_edit.setPlaceholderText("例: 市政情報や催しを、子育て世帯に分かりやすく届けるため")
        self.purpose_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.purpose_edit.textChanged.connect(self.update_ok)

        form = QFormLayout()
        form.addRow("サービス(&S):", self.platform_combo)
        form.addRow("アカウント名(&N):", self.name_edit)
        form.addRow("URL(&U):", self.url_edit)
        form.addRow("表示名(&D):", self.display_name_edit)
        form.addRow("所属(&B):", self.department_edit)
        form.addRow("アカウント管理者(&M):", self.manager_edit)
        form.addRow("管理者の役職(&T):", self.manager_title_edit)
        form.addRow("情報発信責任者(&P):", self.publisher_title_edit)
        form.addRow("運用時間(&H):", self.hours_edit)
        form.addRow("問い合わせ先(&C):", self.contact_edit)
        form.addRow("開設の目的(&O):", self.purpose_edit)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 40))

    def is_complete(self) -> bool:
        required = [self.name_edit.text()]
        if self.requesting:  # what a request must state (第4条第2項)
            required += [self.department_edit.text(), self.purpose_edit.toPlainText()]
        return all(value.strip() for value in required)

    def answer(self) -> AccountFactsInput:
        return AccountFactsInput(
            platform=str(self.platform_combo.currentData()),
            name=self.name_edit.text().strip(),
            url=self.url_edit.text().strip(),
            department=self.department_edit.text().strip(),
            manager=self.manager_edit.text().strip(),
            display_name=self.display_name_edit.text().strip(),
            manager_title=self.manager_title_edit.text().strip(),
            publisher_title=self.publisher_title_edit.text().strip(),
            operating_hours=self.hours_edit.text().strip(),
            contact=self.contact_edit.text().strip(),
            purpose=self.purpose_edit.toPlainText().strip(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        ok_label: str,
        initial: AccountFactsInput | None = None,
        *,
        requesting: bool = True,
    ) -> AccountFactsInput | None:
        dialog = cls(parent, title, ok_label, initial, requesting=requesting)
        return dialog.answer() if _run(dialog) else None


# == approval, reasons, publication =================================================================================


@dataclass(frozen=True, slots=True)
class ApprovalAnswer:
    number: str
    on: dt.date


class ApproveAccountDialog(_FormDialog):
    """承認: the approval number and date of the operations manager's decision (第4条第2項)."""

    def __init__(self, parent: QWidget | None, account_name: str, today: dt.date) -> None:
        super().__init__(parent, "アカウント開設の承認", "承認する")
        intro = QLabel(f"「{html.escape(account_name)}」の開設を承認します。承認の文書番号と日付を記録します。")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(intro)
        self.number_edit = QLineEdit()
        self.number_edit.setAccessibleName("承認番号")
        self.number_edit.setPlaceholderText("例: 東広戦第123号")
        self.number_edit.textChanged.connect(self.update_ok)
        self.date_edit = _date_edit(today, "承認日")
        form = QFormLayout()
        form.addRow("承認番号(&N):", self.number_edit)
        form.addRow("承認日(&D):", self.date_edit)
        self.layout_.addLayout(form)
        self.finish_layout()

    def is_complete(self) -> bool:
        return bool(self.number_edit.text().strip())

    def answer(self) -> ApprovalAnswer:
        return ApprovalAnswer(self.number_edit.text().strip(), from_qdate(self.date_edit.date()))

    @classmethod
    def ask(cls, parent: QWidget | None, account_name: str, today: dt.date) -> ApprovalAnswer | None:
        dialog = cls(parent, account_name, today)
        return dialog.answer() if _run(dialog) else None


REASON_TEXTS: Final[dict[str, tuple[str, str, str]]] = {
    # kind: (title, OK button, what happens)
    "reject": (
        "開設の不承認",
        "不承認にする",
        "開設の申請を不承認にします。申請した所属長に伝わる理由を書いてください。",
    ),
    "suspend": ("アカウントの休止", "休止する", "運用を休止します。休止中は投稿案の投稿先に選べません。"),
    "close": (
        "アカウントの廃止",
        "廃止する",
        "アカウントを廃止します。元には戻せません。投稿の控え(第6条)はアーカイブに残ります。",
    ),
}


class AccountReasonDialog(_ReasonDialog):
    """不承認 / 休止 / 廃止: the reason is required and kept with the account."""

    def __init__(self, parent: QWidget | None, kind: str, account_name: str) -> None:
        title, ok_label, what = REASON_TEXTS[kind]
        intro = f"「{html.escape(account_name)}」: {html.escape(what)}"
        super().__init__(parent, title, ok_label, intro, "理由(必須)(&R):")
        self.text_edit.setAccessibleName(f"{title}の理由")

    @classmethod
    def ask(cls, parent: QWidget | None, kind: str, account_name: str) -> str | None:
        dialog = cls(parent, kind, account_name)
        return dialog.answer() if _run(dialog) else None


class PublishDialog(_FormDialog):
    """公表を記録: the day the approved version was published on the city website (第4条第4項)."""

    def __init__(self, parent: QWidget | None, subject: str, today: dt.date) -> None:
        super().__init__(parent, "利用方針の公表を記録", "記録する")
        intro = QLabel(
            f"{html.escape(subject)}を市ホームページ等で公表した日を記録します。"
            "公表した版が、このアカウントの運用の根拠になります(第4条第4項)。"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(intro)
        self.date_edit = _date_edit(today, "公表日")
        form = QFormLayout()
        form.addRow("公表日(&D):", self.date_edit)
        self.layout_.addLayout(form)
        self.finish_layout()

    def answer(self) -> dt.date:
        return from_qdate(self.date_edit.date())

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str, today: dt.date) -> dt.date | None:
        dialog = cls(parent, subject, today)
        return dialog.answer() if _run(dialog) else None


# == read-only documents ============================================================================================


def diff_html(diffs: Sequence[ItemDiff], *, only_changed: bool, old_label: str, new_label: str) -> str:
    """:func:`diff_to_html` with full-width tables (Qt's rich text sizes tables to their content)."""
    body = diff_to_html(list(diffs), only_changed=only_changed, old_label=old_label, new_label=new_label)
    # Qt shows a <caption> as plain text: make it a heading above its table.
    body = _CAPTION.sub(r"<h4>\2</h4>\n<table \1>", body)
    body = body.replace("<table ", '<table width="100%" ')
    return body.replace('<td class="no">', '<td class="no" width="3%">')


class PolicyDiffDialog(QDialog):
    """差分: two versions of a policy side by side, item by item, the changed characters marked."""

    def __init__(
        self, parent: QWidget | None, title: str, diffs: Sequence[ItemDiff], old_label: str, new_label: str
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._diffs = list(diffs)
        self._labels = (old_label, new_label)
        changed = sum(1 for d in self._diffs if d.changed)
        layout = QVBoxLayout(self)
        summary = QLabel(
            f"{old_label} → {new_label}: {changed} か所(表題・項目)に変更があります。"
            if changed
            else f"{old_label} と {new_label} は同じです。"
        )
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(summary)
        self.only_changed_box = QCheckBox("変更のある項目だけ表示(&O)")
        self.only_changed_box.setChecked(bool(changed))
        self.only_changed_box.toggled.connect(lambda _checked: self._render())
        layout.addWidget(self.only_changed_box)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("利用方針の差分")
        self.browser.setOpenLinks(False)
        self.browser.document().setDefaultStyleSheet(DIFF_STYLE)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._render()
        self.setMinimumWidth(_text_width(self, 60))
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 30)

    def _render(self) -> None:
        old_label, new_label = self._labels
        self.browser.setHtml(
            diff_html(self._diffs, only_changed=self.only_changed_box.isChecked(), old_label=old_label,
                      new_label=new_label)
        )  # fmt: skip

    def text(self) -> str:
        return self.browser.toPlainText()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, diffs: Sequence[ItemDiff], old_label: str, new_label: str) -> None:
        _run(cls(parent, title, diffs, old_label, new_label))


class HtmlDocumentDialog(QDialog):
    """A generated document (e.g. the 申請書) shown as it will print, with 「保存…」 as an HTML file."""

    def __init__(self, parent: QWidget | None, title: str, document: str, file_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.document_html = document
        self.file_name = file_name
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(title)
        self.browser.setOpenLinks(False)
        self.browser.setHtml(document)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        self.save_button = QPushButton("保存(&S)…")
        self.save_button.setToolTip("HTML ファイルとして保存します(ブラウザーで開いて印刷できます)")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(_text_width(self, 50))
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 32)

    def save(self) -> Path | None:
        """「保存…」: write the document where the user chooses; None when cancelled or not written."""
        path = SaveHtmlDialog.ask(self, self.file_name)
        if path is None:
            return None
        try:
            path.write_text(self.document_html, encoding="utf-8")
        except OSError as exc:
            MessageDialog.ask(self, "保存できません", f"{path} に保存できませんでした。({exc.strerror or exc})")
            return None
        return path

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, document: str, file_name: str) -> None:
        _run(cls(parent, title, document, file_name))


class SaveHtmlDialog:
    """Where to save an HTML document; None when cancelled."""

    @classmethod
    def ask(cls, parent: QWidget | None, file_name: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(parent, "HTML として保存", file_name, "HTML (*.html *.htm)")
        return Path(path) if path else None
