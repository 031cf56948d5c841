"""``/sertifikat`` (download the e-certificate of a passed module) and ``/verifikasi CODE``."""

from __future__ import annotations

import math
from datetime import date

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
from handlers.common import (
    answer_query,
    remember,
    reply,
    resend,
    show,
    toast,
    uploading,
    user_id,
)
from handlers.keyboards import home, markup


@command("sertifikat", rank=70)
async def certificates(update: Update, context: BotContext) -> None:
    passed = await context.services.certificates.passed(user_id(update))
    if passed is None:
        await show(update, t.PROBLEMS["not_registered"])
    elif not passed:
        await show(update, t.CERT_NONE, markup([home()]))
    else:
        text = t.CERT_LIST
        if len(passed) > kb.CERTIFICATE_BUTTONS:
            text += "\n" + t.CERT_MORE.format(shown=kb.CERTIFICATE_BUTTONS, total=len(passed))
        await show(update, text, kb.certificates(passed))


async def send_certificate(update: Update, context: BotContext, issued: Issued) -> None:
    """The PDF, sent again by its file_id while the certificate is the same (it never
    changes once issued: its printed fields are signed by its code)."""
    chat = update.effective_chat
    assert chat is not None
    uid = user_id(update)
    settings = context.services.settings
    caption = t.CERT_CAPTION.format(number=issued.fields.certificate_no, code=issued.code)
    key = f"cert:{issued.fields.certificate_no}"
    digest = fingerprint(
        issued.fields.certificate_no,
        issued.code,
        context.bot.username,
        str(settings.cert_logo),
        str(settings.cert_signature),
    )
    cached = await context.services.files.cached(uid, key, digest)
    if cached is not None and await resend(chat, cached, caption):
        return
    await uploading(chat)
    data = await render_pdf(
        issued,
        settings.scale,
        context.bot.username or "",
        logo=settings.cert_logo,
        signature=settings.cert_signature,
    )
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


VERIFY_PREFIX = "v_"  # /start v_<code>: the deep link a certificate's QR code opens


@command("verifikasi", rank=80)
async def verify(update: Update, context: BotContext) -> None:
    if not context.args:
        await reply(update, t.VERIFY_USAGE)
        return
    await verify_code(update, context, " ".join(context.args)[:40])


async def verify_code(update: Update, context: BotContext, typed: str) -> None:
    """Check a certificate's or a transcript's code: ``/verifikasi CODE`` and the QR code's
    ``/start v_CODE`` answer exactly alike."""
    svc = context.services
    result = await svc.certificates.verify(typed[:40])
    if result.verdict is Verdict.MALFORMED:
        await reply(update, t.VERIFY_MALFORMED)
        return
    if result.verdict is Verdict.SUPERSEDED and result.fields is not None:
        await reply(
            update,
            t.VERIFY_SUPERSEDED.format(
                number=result.fields.certificate_no, revision=result.latest_revision
            ),
        )
        return
    if result.verdict is Verdict.GENUINE and result.transcript is not None:
        tr = result.transcript
        await reply(
            update,
            t.VERIFY_TRANSCRIPT.format(
                name=escape(tr["name"]),
                nip=tr["nip"],
                year=tr["year"],
                count=len(tr["entries"]),
                time=svc.settings.scale.text(int(tr["total_minutes"])),
                date=labels.long_date(date.fromisoformat(tr["printed_on"])),
            ),
        )
        return
    if result.verdict is not Verdict.GENUINE or result.fields is None:
        await reply(update, t.VERIFY_REFUSED)
        return
    f = result.fields
    signed = (
        t.VERIFY_SIGNED.format(name=escape(f.signer_name), title=escape(f.signer_title or ""))
        if f.signer_name
        else ""
    )
    revision = t.VERIFY_REVISION.format(revision=f.revision) if (f.revision or 1) > 1 else ""
    await reply(
        update,
        t.VERIFY_GENUINE.format(
            number=f.certificate_no + revision,
            name=escape(f.name),
            nip=f.nip,
            title=escape(f.module_title),
            category=escape(labels.category_name(f.category)),
            time=learning_time(f, svc.settings.scale),
            date=labels.long_date(f.completed_on),
        )
        + signed,
    )
