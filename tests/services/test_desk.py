"""The drafting desk's service: the approval rules enforced over a real database."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from sqlalchemy import select, update

from sns_desk.core.audit import AuditAction
from sns_desk.core.checker import Checker, Finding, Severity, default_checker
from sns_desk.core.people import Role
from sns_desk.core.workflow import Draft, DraftState, WorkflowError
from sns_desk.services.audit import AuditService
from sns_desk.services.desk import DeskService
from sns_desk.storage.database import Database
from sns_desk.storage.errors import StorageError
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, PostedItemRow, PostedMediaRow

NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)


@cache
def _checker() -> Checker:
    return default_checker()


@pytest.fixture
def desk(opener: Callable[..., Database], db_url: str, os_user: str) -> Callable[[str], DeskService]:
    """``desk(login)``: the service as seen by that user; the OS user is the operations manager."""
    database = opener(db_url)

    media = MediaStore(Path(db_url.removeprefix("sqlite:///")).with_suffix(".media"))

    def make(login: str) -> DeskService:
        return DeskService(database, _checker, login, clock=lambda: NOW, media=media)

    ops = make(os_user)
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    ops.set_role("suzuki", Role.DRAFTER)
    ops.add_account("x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", "kacho")
    return make


def test_only_registered_active_accounts_are_targets(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    (account,) = suzuki.accounts(postable_only=True)
    draft = suzuki.create_draft(account.id)
    assert draft.state is DraftState.DRAFT and draft.platforms == ("x",) and draft.author == "suzuki"
    with pytest.raises(WorkflowError, match="運用中のアカウント"):
        suzuki.create_draft(account.id + 100)


def test_only_the_operations_manager_registers_accounts(desk: Callable[[str], DeskService]) -> None:
    with pytest.raises(WorkflowError, match="運用管理者だけ"):
        desk("suzuki").add_account("x", "別アカウント", "", "", "")


def test_autosave_keeps_the_text_and_refuses_a_stale_revision(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id)
    saved = suzuki.save(draft.id, draft.revision, "冬のおはなし会を開催します。")
    assert (saved.text, saved.revision) == ("冬のおはなし会を開催します。", 1)
    with pytest.raises(WorkflowError, match="別の画面で更新"):
        suzuki.save(draft.id, draft.revision, "古い画面からの保存")
    assert suzuki.draft(draft.id).text == "冬のおはなし会を開催します。"


def test_errors_block_submission_and_cannot_be_acknowledged(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="申込はこちら https://bit.ly/abc123")
    (error,) = [f for f in suzuki.check(draft) if f.severity is Severity.ERROR]
    with pytest.raises(WorkflowError, match="エラーは確認済みにできません"):
        suzuki.acknowledge(draft.id, error, "急ぎのため")
    with pytest.raises(WorkflowError, match="エラーが 1 件"):
        suzuki.submit(draft.id)
    assert suzuki.draft(draft.id).state is DraftState.DRAFT


def test_warnings_need_an_acknowledgement_with_a_reason(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="来月から開館時間を短縮する方向で検討中です。")
    (warning,) = suzuki.check(draft)
    assert warning.severity is Severity.WARNING
    with pytest.raises(WorkflowError, match="確認していない警告が 1 件"):
        suzuki.submit(draft.id)
    with pytest.raises(WorkflowError, match="理由"):
        suzuki.acknowledge(draft.id, warning, "  ")
    acknowledged = suzuki.acknowledge(draft.id, warning, "議会で公表済みの内容のため")
    (ack,) = acknowledged.acknowledgements
    assert (ack.by, ack.reason, ack.rule, ack.at) == ("suzuki", "議会で公表済みの内容のため", warning.rule, NOW)
    assert suzuki.submit(draft.id).state is DraftState.PENDING


def test_author_cannot_approve_and_drafters_cannot_approve(desk: Callable[[str], DeskService]) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    own = kacho.create_draft(kacho.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    kacho.submit(own.id)
    with pytest.raises(WorkflowError, match="自分が作成した投稿案は承認できません"):
        kacho.approve(own.id)
    with pytest.raises(WorkflowError, match="アカウント管理者または運用管理者"):
        suzuki.approve(own.id)
    assert desk("tanaka").approve(own.id).state is DraftState.APPROVED


def test_reject_with_comment_then_fix_resubmit_approve_and_post(desk: Callable[[str], DeskService]) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    suzuki.submit(draft.id)
    with pytest.raises(WorkflowError, match="編集できません"):
        suzuki.save(draft.id, draft.revision, "承認待ちの間の編集")
    with pytest.raises(WorkflowError, match="コメント"):
        kacho.reject(draft.id, "")
    returned = kacho.reject(draft.id, "日付を入れてください")
    assert (returned.state, returned.review_comment, returned.reviewed_by) == (
        DraftState.RETURNED,
        "日付を入れてください",
        "kacho",
    )
    fixed = suzuki.save(draft.id, returned.revision, "12月5日(土)、図書館で冬のおはなし会を開催します。")
    suzuki.submit(fixed.id)
    kacho.approve(fixed.id)
    with pytest.raises(WorkflowError, match="https://"):
        suzuki.mark_posted(fixed.id, "x.com/hh_koho/status/1", NOW)
    posted = suzuki.mark_posted(fixed.id, "https://x.com/hh_koho/status/1", NOW, terminal="KOHO-PC01")
    assert (posted.state, posted.posted_url, posted.posted_at) == (
        DraftState.POSTED,
        "https://x.com/hh_koho/status/1",
        NOW,
    )
    assert [e.action for e in suzuki.history(draft.id)] == [
        "create", "submit", "reject", "submit", "approve", "post",
    ]  # fmt: skip
    assert [s.state for s in suzuki.drafts(state=DraftState.POSTED)] == [DraftState.POSTED]


def test_mark_posted_enters_the_article_6_record(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str
) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    text = "12月5日(土)、図書館で冬のおはなし会を開催します。"
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text=text)
    suzuki.submit(draft.id)
    kacho.approve(draft.id)
    suzuki.mark_posted(draft.id, "https://x.com/hh_koho/status/2", NOW, terminal="KOHO-PC01")
    with opener(db_url).session() as s:
        (item,) = s.scalars(select(PostedItemRow)).all()
        assert (item.text, item.url, item.platform, item.author, item.terminal, item.posted_at) == (
            text, "https://x.com/hh_koho/status/2", "x", "suzuki", "KOHO-PC01", NOW,
        )  # fmt: skip


def test_drafts_filter_by_state_and_account(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    account = suzuki.accounts()[0]
    first = suzuki.create_draft(account.id, text="一つ目")
    suzuki.create_draft(account.id, text="二つ目")
    suzuki.submit(first.id)
    assert [d.excerpt for d in suzuki.drafts(state=DraftState.DRAFT)] == ["二つ目"]
    assert [d.excerpt for d in suzuki.drafts(state=DraftState.PENDING)] == ["一つ目"]
    assert len(suzuki.drafts(account_id=account.id)) == 2
    assert suzuki.drafts(account_id=account.id + 1) == []


def _photo_with_gps() -> bytes:
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


def test_image_attachment_warns_about_gps_strips_it_and_asks_the_rights_checklist(
    desk: Callable[[str], DeskService],
) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    attachment = suzuki.add_attachment(draft.id, "会場.jpg", _photo_with_gps())
    assert "gps" in {c.kind for c in attachment.privacy}
    assert suzuki.draft(draft.id).attachment_count == 1
    with pytest.raises(WorkflowError, match="チェックリスト"):
        suzuki.submit(draft.id)
    cleaned = suzuki.strip_attachment_metadata(draft.id, attachment.id)
    assert cleaned.privacy == () and cleaned.sha256 != attachment.sha256
    assert [a.privacy for a in suzuki.attachments(draft.id)] == [()]
    assert suzuki.thumbnail(cleaned)[:8] == b"\x89PNG\r\n\x1a\n"
    all_yes = {"portrait": True, "copyright": True, "privacy": True, "metadata": True}
    with pytest.raises(WorkflowError, match="著作権"):
        suzuki.confirm_rights(draft.id, {**all_yes, "copyright": False})
    confirmed = suzuki.confirm_rights(draft.id, all_yes)
    assert (confirmed.rights_checked_by, confirmed.rights_checked_at) == ("suzuki", NOW)
    assert suzuki.submit(draft.id).state is DraftState.PENDING
    with pytest.raises(WorkflowError, match="添付できません"):
        suzuki.add_attachment(draft.id, "追加.jpg", _photo_with_gps())
    assert kacho.approve(draft.id).state is DraftState.APPROVED


def test_posting_keeps_the_images_and_the_off_terminal_reason(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str
) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="避難所を開設しました。")
    photo = suzuki.add_attachment(draft.id, "避難所.jpg", _photo_with_gps())
    suzuki.confirm_rights(draft.id, {"portrait": True, "copyright": True, "privacy": True, "metadata": True})
    suzuki.submit(draft.id)
    kacho.approve(draft.id)
    suzuki.mark_posted(
        draft.id, "https://x.com/hh_koho/status/9", NOW, "自宅PC", off_terminal_reason=" 停電で庁舎に入れないため "
    )
    with opener(db_url).session() as s:
        (item,) = s.scalars(select(PostedItemRow)).all()
        (media,) = s.scalars(select(PostedMediaRow)).all()
        assert (item.terminal, item.off_terminal_reason) == ("自宅PC", "停電で庁舎に入れないため")
        assert (media.item_id, media.sha256, media.name) == (item.id, photo.sha256, "避難所.jpg")
    assert "停電" in suzuki.history(draft.id)[-1].comment


def test_a_new_image_asks_the_checklist_again(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    suzuki.add_attachment(draft.id, "1.jpg", _photo_with_gps())
    suzuki.confirm_rights(draft.id, {"portrait": True, "copyright": True, "privacy": True, "metadata": True})
    suzuki.add_attachment(draft.id, "2.jpg", _photo_with_gps())
    assert suzuki.draft(draft.id).rights_checked_by == ""


def test_acknowledging_against_an_old_revision_is_refused(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="来月から開館時間を短縮する方向で検討中です。")
    (warning,) = suzuki.check(draft)
    suzuki.save(draft.id, draft.revision, draft.text + "詳細は後日。")
    with pytest.raises(WorkflowError, match="別の画面で更新"):
        suzuki.acknowledge(draft.id, warning, "公表済み", revision=draft.revision)
    assert suzuki.draft(draft.id).acknowledgements == ()


def test_a_missing_image_file_is_reported_on_that_image_only(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    gone = suzuki.add_attachment(draft.id, "会場.jpg", _photo_with_gps())
    suzuki.media.path(gone.sha256).unlink()
    (listed,) = suzuki.attachments(draft.id)
    assert "見つからない" in listed.problem and listed.privacy == ()


def test_a_manager_who_edited_the_text_cannot_approve_it(desk: Callable[[str], DeskService]) -> None:
    kacho, suzuki, tanaka = desk("kacho"), desk("suzuki"), desk("tanaka")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    edited = tanaka.save(draft.id, draft.revision, "図書館で冬のおはなし会を開きます。")
    assert edited.editors == ("tanaka",)
    suzuki.submit(draft.id)
    with pytest.raises(WorkflowError, match="自分が本文を編集した"):
        tanaka.approve(draft.id)
    assert kacho.approve(draft.id).state is DraftState.APPROVED


def test_an_acknowledgement_covers_its_sentence_only(desk: Callable[[str], DeskService]) -> None:
    suzuki = desk("suzuki")
    first = "山田太郎さん(45歳)が金賞を受賞しました。"
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text=first)
    (warning,) = suzuki.check(draft)
    acknowledged = suzuki.acknowledge(draft.id, warning, "本人と保護者の同意あり")
    more = suzuki.save(draft.id, acknowledged.revision, first + "山田太郎さんは西条町の病院に入院中です。")
    with pytest.raises(WorkflowError, match="確認していない警告が 1 件"):
        suzuki.submit(more.id)


def test_approval_needs_the_text_the_approver_saw_and_no_errors(
    desk: Callable[[str], DeskService], monkeypatch: pytest.MonkeyPatch
) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    pending = suzuki.submit(draft.id)
    with pytest.raises(WorkflowError, match="表示中の内容から変わっています"):
        kacho.approve(draft.id, revision=pending.revision - 1)
    # The rulebook changed since submission: what is an error now blocks approval.
    error = suzuki.check(suzuki.create_draft(draft.account_id, text="https://bit.ly/x"))[0]
    monkeypatch.setattr(DeskService, "check", lambda self, d: [error])
    with pytest.raises(WorkflowError, match="エラーが 1 件あるため承認できません"):
        kacho.approve(draft.id, revision=pending.revision)
    assert kacho.draft(draft.id).state is DraftState.PENDING


def test_a_suspended_account_stops_submit_approve_and_post(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str
) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    suzuki.submit(draft.id)

    def set_status(status: str) -> None:
        with opener(db_url).session() as s:
            s.execute(update(AccountRow).values(status=status))

    set_status("suspended")
    with pytest.raises(WorkflowError, match="休止のため、承認できません"):
        kacho.approve(draft.id)
    set_status("active")
    kacho.approve(draft.id)
    set_status("closed")
    with pytest.raises(WorkflowError, match="廃止のため、投稿済みにできません"):
        suzuki.mark_posted(draft.id, "https://x.com/hh_koho/status/3", NOW)
    assert suzuki.draft(draft.id).state is DraftState.APPROVED


def test_a_save_between_check_and_submit_is_never_submitted_unchecked(
    desk: Callable[[str], DeskService], monkeypatch: pytest.MonkeyPatch
) -> None:
    suzuki, other_screen = desk("suzuki"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    real_check = DeskService.check

    def check_while_another_screen_saves(self: DeskService, d: Draft) -> list[Finding]:
        findings = real_check(self, d)
        if self is suzuki:
            other_screen.save(d.id, d.revision, "申込はこちら https://bit.ly/abc123")
        return findings

    monkeypatch.setattr(DeskService, "check", check_while_another_screen_saves)
    with pytest.raises((WorkflowError, StorageError)):
        suzuki.submit(draft.id)
    stored = other_screen.draft(draft.id)
    assert (stored.state, stored.text) == (DraftState.DRAFT, "申込はこちら https://bit.ly/abc123")


def test_a_history_kind_written_by_a_newer_version_is_shown_as_stored(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str
) -> None:
    from sns_desk.core.workflow import DraftEventKind
    from sns_desk.storage.models import DraftEventRow

    suzuki = desk("suzuki")
    (account,) = suzuki.accounts(postable_only=True)
    draft = suzuki.create_draft(account.id)
    with opener(db_url).session() as s:
        s.add(DraftEventRow(draft_id=draft.id, action="future_step", by="suzuki", at=NOW, comment=""))
    assert [e.action for e in suzuki.history(draft.id)] == [DraftEventKind.CREATE, "future_step"]


def test_withdraw_brings_a_submitted_or_approved_draft_back_to_its_author(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str
) -> None:
    kacho, suzuki = desk("kacho"), desk("suzuki")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="図書館で冬のおはなし会を開催します。")
    suzuki.submit(draft.id)
    with pytest.raises(WorkflowError, match="作成者だけ"):
        kacho.withdraw(draft.id)
    back = suzuki.withdraw(draft.id)
    assert back.state is DraftState.DRAFT
    changed = suzuki.save(draft.id, back.revision, "12月5日(土)、図書館で冬のおはなし会を開催します。")
    suzuki.submit(draft.id)
    kacho.approve(draft.id)
    again = suzuki.withdraw(draft.id)
    assert (again.state, again.reviewed_by, again.text) == (DraftState.DRAFT, "", changed.text)
    with pytest.raises(WorkflowError, match="承認待ちか承認済み"):
        suzuki.withdraw(draft.id)
    assert [e.action for e in suzuki.history(draft.id)] == [
        "create", "submit", "withdraw", "submit", "approve", "withdraw",
    ]  # fmt: skip
    audit = AuditService(opener(db_url)).history("draft", draft.id)
    assert [h.action for h in audit].count(AuditAction.DRAFT_WITHDRAWN.value) == 2


def test_discard_keeps_the_draft_and_its_history_and_freezes_it(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str
) -> None:
    kacho, suzuki, sato = desk("kacho"), desk("suzuki"), desk("sato")
    draft = suzuki.create_draft(suzuki.accounts()[0].id, text="中止になった行事のお知らせ")
    suzuki.submit(draft.id)
    with pytest.raises(WorkflowError, match="先に取り下げて"):
        suzuki.discard(draft.id)
    suzuki.withdraw(draft.id)
    with pytest.raises(WorkflowError, match="作成者か管理者"):
        sato.discard(draft.id, "不要")
    gone = kacho.discard(draft.id, "  行事が中止になったため ")
    assert gone.state is DraftState.DISCARDED and gone.text == "中止になった行事のお知らせ"
    assert suzuki.history(draft.id)[-1].comment == "行事が中止になったため"
    with pytest.raises(WorkflowError, match="編集できません"):
        suzuki.save(draft.id, gone.revision, "書き直し")
    with pytest.raises(WorkflowError, match="承認申請できません"):
        suzuki.submit(draft.id)
    assert [s.id for s in suzuki.drafts(state=DraftState.DISCARDED)] == [draft.id]
    (last,) = AuditService(opener(db_url)).history("draft", draft.id)[-1:]
    assert (last.action, last.actor) == (AuditAction.DRAFT_DISCARDED.value, "kacho")
    assert AuditService(opener(db_url)).verify().intact


def test_the_rulebook_in_use_is_in_the_audit_chain_and_a_change_is_recorded(
    desk: Callable[[str], DeskService], opener: Callable[..., Database], db_url: str, tmp_path: Path
) -> None:
    from sns_desk.core.checker import Checker
    from sns_desk.core.rulebook import load_rulebook
    from sns_desk.resources import default_rulebook_path

    suzuki, kacho = desk("suzuki"), desk("kacho")
    account = suzuki.accounts()[0]
    first = suzuki.create_draft(account.id, text="図書館で冬のおはなし会を開催します。")
    suzuki.submit(first.id)
    kacho.approve(first.id)  # same rulebook: nothing new to record
    trail = AuditService(opener(db_url))
    (used,) = trail.history("rulebook", "in_use")
    bundled = _checker().rulebook
    assert (used.action, used.actor) == (AuditAction.RULEBOOK_CHANGED.value, "suzuki")
    assert f"digest: {bundled.digest}" in used.details and len(bundled.digest) == 64

    edited = tmp_path / "rulebook.yaml"
    edited.write_text(default_rulebook_path().read_text(encoding="utf-8") + "\n# 運用管理者が更新\n", encoding="utf-8")
    changed = Checker(load_rulebook(edited))
    assert changed.rulebook.digest != bundled.digest
    other = DeskService(opener(db_url), lambda: changed, "suzuki", clock=lambda: NOW)
    second = other.create_draft(account.id, text="12月の開館日のお知らせです。")
    other.submit(second.id)
    history = trail.history("rulebook", "in_use")
    assert len(history) == 2 and f"previous: {bundled.digest}" in history[1].details
    assert trail.verify().intact
