"""``/sertifikat`` (download the e-certificate of a passed module) and ``/verifikasi CODE``."""

from __future__ import annotations

import math

from telegram import Update

from bot.core.callbacks import CertificateButton
from bot.core.telegram_html import escape
from bot.documents.verification import learning_time
from bot.services.certificates import Issued, Verdict, render_pdf
from bot.services.files import fingerprint
from bot.telegram.context import BotContext
from bot.texts import documents as labels
from bot.texts import hours as t
from handlers import hours_keyboards as kb
from handlers.commands import command
from handlers.common import answer_query, remember, reply, resend, toast, user_id


@command("sertifikat", rank=70)
async def certificates(update: Update, context: BotContext) -> None:
    passed = await context.services.certificates.passed(user_id(update))
    if passed is None:
        await reply(update, t.PROBLEMS["not_registered"])
    elif not passed:
        await reply(update, t.CERT_NONE)
    else:
        await reply(update, t.CERT_LIST, kb.certificates(passed))


async def send_certificate(update: Update, context: BotContext, issued: Issued) -> None:
    """The PDF, sent again by its file_id while the certificate is the same (it never
    changes once issued: its printed fields are signed by its code)."""
    chat = update.effective_chat
    assert chat is not None
    uid = user_id(update)
    caption = t.CERT_CAPTION.format(number=issued.fields.certificate_no, code=issued.code)
    key = f"cert:{issued.fields.certificate_no}"
    digest = fingerprint(issued.fields.certificate_no, issued.code, context.bot.username)
    cached = await context.services.files.cached(uid, key, digest)
    if cached is not None and await resend(chat, cached, caption):
        return
    data = await render_pdf(issued, context.services.settings.scale, context.bot.username or "")
    sent = await chat.send_document(
        data, filename=f"{issued.fields.certificate_no}.pdf", caption=caption
    )
    await remember(context, uid, key, digest, sent)


async def on_certificate(update: Update, context: BotContext, data: CertificateButton) -> None:
    """The module id in the button is only a wish: the service issues a certificate only for a
    module the caller passed, so a forged button gets nothing."""
    issued = await context.services.certificates.issue(user_id(update), data.module)
    if issued is None:
        await toast(update, t.CERT_NOT_PASSED)
        return
    wait = await context.services.files.claim(user_id(update), "certificate")
    if wait:
        await toast(update, t.FILE_COOLDOWN.format(seconds=math.ceil(wait)))
        return
    await answer_query(update)
    await send_certificate(update, context, issued)


@command("verifikasi", rank=80)
async def verify(update: Update, context: BotContext) -> None:
    if not context.args:
        await reply(update, t.VERIFY_USAGE)
        return
    result = await context.services.certificates.verify(" ".join(context.args)[:40])
    if result.verdict is Verdict.MALFORMED:
        await reply(update, t.VERIFY_MALFORMED)
        return
    if result.verdict is not Verdict.GENUINE or result.fields is None:
        await reply(update, t.VERIFY_REFUSED)
        return
    f = result.fields
    await reply(
        update,
        t.VERIFY_GENUINE.format(
            number=f.certificate_no,
            name=escape(f.name),
            nip=f.nip,
            title=escape(f.module_title),
            category=escape(labels.category_name(f.category)),
            time=learning_time(f, context.services.settings.scale),
            date=labels.long_date(f.completed_on),
        ),
    )
