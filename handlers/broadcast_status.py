"""After an announcement is sent: the admin's live status message and the failures' CSV."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot import texts
from bot.core.callbacks import BroadcastButton
from bot.core.jp import progress_bar
from bot.documents.spreadsheets import Column, ColumnKind, to_csv
from bot.services.broadcasts import Progress
from bot.telegram.context import BotContext
from bot.texts import admin as t
from handlers import admin_keyboards
from handlers.common import answer_query, toast, uploading, user_id

log = logging.getLogger(__name__)


def status_text(broadcast_id: int, counts: dict[str, int], total: int, done: bool = False) -> str:
    """Terkirim + gagal + diblokir + tidak pasti (+ dilewati, shown when there are any) +
    menunggu = the recipients."""
    sent, failed = counts.get("sent", 0), counts.get("failed", 0)
    blocked, skipped = counts.get("blocked", 0), counts.get("skipped", 0)
    unknown = counts.get("unknown", 0)
    finished = sent + failed + blocked + unknown + skipped
    total = max(total, finished)
    percent = int(finished * 100 / total) if total else 100
    if done:
        text = t.FINAL_REPORT.format(
            id=broadcast_id,
            total=total,
            sent=sent,
            failed=failed,
            blocked=blocked,
            unknown=unknown,
        )
        return text + (t.FINAL_SKIPPED.format(skipped=skipped) if skipped else "")
    return t.STATUS.format(
        id=broadcast_id,
        state=t.STATE_SENDING,
        bar=progress_bar(finished, total or 1),
        percent=percent,
        sent=sent,
        failed=failed + skipped,
        blocked=blocked,
        unknown=unknown,
        waiting=total - finished,
        total=total,
    )


async def progress_job(context: BotContext) -> None:
    """Every few seconds: start scheduled announcements and edit each status message."""
    svc = context.services
    await svc.broadcasts.queue_due()
    for item in await svc.broadcasts.progress():
        await _show_progress(context, item)


async def _show_progress(context: BotContext, item: Progress) -> None:
    b = item.broadcast
    if b.status_chat_id is None or not (item.changed or b.status_message_id is None):
        return
    text = status_text(b.id, item.counts, item.total, done=item.finished)
    has_failures = any(item.counts.get(k, 0) for k in ("failed", "blocked", "unknown", "skipped"))
    markup = admin_keyboards.failures(b.id) if item.finished and has_failures else None
    try:
        if b.status_message_id is None:
            sent = await context.bot.send_message(b.status_chat_id, text, reply_markup=markup)
            await context.services.broadcasts.set_status_message(
                b.id, b.status_chat_id, sent.message_id
            )
        else:
            await context.bot.edit_message_text(
                text, b.status_chat_id, b.status_message_id, reply_markup=markup
            )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("broadcast %s: status message not updated: %s", b.id, exc)
    except TelegramError as exc:
        log.warning("broadcast %s: status message not updated: %s", b.id, exc)


async def on_report_button(update: Update, context: BotContext, data: BroadcastButton) -> None:
    action, broadcast_id = data.action, data.broadcast
    svc = context.services
    uid = user_id(update)
    if action == "cancel":  # routed to handlers.broadcast, which edits the list
        await toast(update, texts.BUTTON_INVALID)
        return
    rows = await svc.broadcasts.failures(uid, broadcast_id)
    if rows is None:
        await toast(update, texts.BUTTON_INVALID)
        return
    if not rows:
        await toast(update, t.NO_FAILURES)
        return
    await answer_query(update)
    if update.effective_chat is not None:
        await uploading(update.effective_chat)
    columns = [
        Column("nip", "NIP", ColumnKind.CODE),
        Column("name", "Nama"),
        Column("opd_code", "Instansi"),
        Column("status", "Status"),
        Column("error", "Keterangan"),
    ]
    opds = svc.catalog.opds
    rows = [
        {
            **row,
            "status": t.DELIVERY_STATUS.get(row["status"], row["status"]),
            # The agency by its name, as admins know it, not its code.
            "opd_code": opds[row["opd_code"]].name if row["opd_code"] in opds else row["opd_code"],
        }
        for row in rows
    ]
    await context.bot.send_document(
        update.effective_chat.id,  # type: ignore[union-attr]
        to_csv(columns, rows),
        filename=f"pengumuman-{broadcast_id}-gagal.csv",
        caption=t.FAILURES_CAPTION.format(id=broadcast_id),
    )
