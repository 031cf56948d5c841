"""``/belajar``: the catalog, module pages, and cards read one at a time in one edited message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.config import Settings
from bot.core.callbacks import CardButton, CatalogButton, ModuleButton, PathButton
from bot.core.content import CAPTION_LIMIT, Module
from bot.core.quiz_rules import Gate, GateResult
from bot.core.telegram_html import escape, telegram_length, visible_text
from bot.services.learning import CardOutcome
from bot.services.learning_rules import ModuleState
from bot.telegram.context import BotContext
from bot.texts import assignments as atexts
from bot.texts.documents import long_date
from handlers import keyboards
from handlers.assignments import required_section
from handlers.commands import command
from handlers.common import answer_query, reply, show, toast, user_id


@command("belajar", rank=20)
async def catalog(update: Update, context: BotContext) -> None:
    view = await context.services.learning.overview(user_id(update))
    if view is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    learn = await context.services.learning.shortcut(user_id(update))
    text = texts.CATALOG.format(done=view.done, total=view.total)
    if view.paths:
        lines = [
            atexts.PATH_LINE.format(title=escape(p.path.title), done=p.done, total=p.total)
            for p in view.paths[: keyboards.MAX_PATH_BUTTONS]
        ]
        text = f"{text}{atexts.PATHS_HEADER}\n" + "\n".join(lines)
    required = await required_section(update, context)
    if required is not None:
        text = f"{required.text}\n\n{text}"
    buttons = required.buttons if required is not None else ()
    await show(update, text, keyboards.catalog(view.counts, learn, view.paths, buttons))


async def on_path(update: Update, context: BotContext, data: PathButton) -> None:
    view = await context.services.learning.path(user_id(update), data.path)
    if view is None:
        if context.services.catalog.path(data.path) is None:
            await toast(update, atexts.PATH_NOT_FOUND)
        else:
            await show(update, texts.NEED_REGISTRATION)
        return
    lines = []
    for number, step in enumerate(view.steps, start=1):
        lock = ""
        if step.locked:
            names = escape(lock_names(context, step.locked_by))
            lock = " · " + atexts.LOCKED.format(modules=names)
        lines.append(
            atexts.PATH_STEP.format(
                icon=keyboards._icon(step),
                number=number,
                title=escape(step.module.title),
                lock=lock,
            )
        )
    text = atexts.PATH_PAGE.format(
        title=escape(view.path.title),
        summary=escape(view.path.summary),
        done=view.done,
        total=view.total,
        lines="\n".join(lines),
    )
    if view.next is None and view.done == view.total:
        text = f"{text}\n\n{atexts.PATH_DONE}"
    await show(update, text, keyboards.path_page(view))


async def on_catalog(update: Update, context: BotContext, data: CatalogButton) -> None:
    category = data.category
    if category is None:
        await catalog(update, context)
        return
    states = await context.services.learning.in_category(user_id(update), category)
    if states is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    title = texts.CATEGORY_NAMES[category.value]
    text = texts.CATEGORY_PAGE.format(category=title)
    if not states:
        text = f"{text}\n\n{texts.CATEGORY_EMPTY}"
    await show(update, text, keyboards.category(states))


def lock_names(context: BotContext, module_ids: tuple[str, ...]) -> str:
    """The titles of the modules to pass first, for "🔒 selesaikan <module> dulu"."""
    catalog = context.services.catalog
    titles = [catalog.modules[m].title if m in catalog.modules else m for m in module_ids]
    return ", ".join(titles)


def gate_text(gate: GateResult | None, tz: tzinfo, limit: int) -> str:
    """One line on the module page: what still stands between the learner and the quiz."""
    if gate is None or gate.gate is Gate.OPEN:
        return ""
    if gate.gate is Gate.READ_MORE:
        return texts.GATE_READ_MORE.format(minutes=minutes_up(gate.wait_seconds))
    if gate.gate is Gate.REREAD and gate.until is not None:
        return texts.GATE_REREAD.format(cards=card_list(gate.cards), at=clock_at(gate.until, tz))
    return texts.GATE_DAILY.format(limit=limit)


def minutes_up(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def card_list(cards: tuple[int, ...]) -> str:
    return ", ".join(str(card + 1) for card in cards)


def clock_at(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H.%M")


def module_text(state: ModuleState, gate: GateResult | None, settings: Settings) -> str:
    module = state.module
    if state.completed:
        status = texts.STATUS_DONE
    elif state.read_all_cards:
        status = texts.STATUS_READY_FOR_QUIZ
    elif state.started:
        status = texts.STATUS_IN_PROGRESS.format(
            card=state.resume_card + 1, total=len(module.cards)
        )
    else:
        status = texts.STATUS_NEW
    best = state.progress.best_score if state.progress else None
    sources = "\n".join(
        texts.MODULE_SOURCE.format(
            title=escape(source.title), ref=escape(f", {source.ref}") if source.ref else ""
        )
        for source in module.sources
    )
    return texts.MODULE_PAGE.format(
        title=escape(module.title),
        category=texts.CATEGORY_NAMES[module.category.value],
        minutes=module.minutes,
        jp=settings.scale.jp_text(module.minutes),
        summary=escape(module.summary),
        status=status,
        best=texts.NOT_SET if best is None else best,
        cards=len(module.cards),
        questions=module.ask,
        pass_percent=module.pass_percent,
        gate=gate_text(gate, settings.tz, settings.quiz_attempts_per_day),
        sources=sources,
        reviewed=long_date(module.reviewed),
    )


async def show_module(update: Update, context: BotContext, module: Module) -> None:
    svc = context.services
    state = await svc.learning.module_state(user_id(update), module)
    if state is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    gate = await svc.quiz.gate_for(user_id(update), module) if state.read_all_cards else None
    text = module_text(state, gate, svc.settings)
    if state.locked:
        lock = atexts.LOCKED.format(modules=escape(lock_names(context, state.locked_by)))
        text = f"{text}\n\n{lock}"
    await show(update, text, keyboards.module_page(state, gate))


async def on_module(update: Update, context: BotContext, data: ModuleButton) -> None:
    module = context.services.catalog.module(data.module)
    if module is None:
        await toast(update, texts.MODULE_NOT_FOUND)
        return
    await show_module(update, context, module)


@dataclass(frozen=True, slots=True)
class RenderedCard:
    text: str
    markup: InlineKeyboardMarkup


# (module id, version, card index) -> its page. Content is loaded once and never changes within a
# version, so this holds at most one entry per card; "next card" then builds nothing.
_RENDERED: dict[tuple[str, int, int], RenderedCard] = {}


def rendered_card(module: Module, index: int) -> RenderedCard:
    key = (module.id, module.version, index)
    page = _RENDERED.get(key)
    if page is None:
        page = RenderedCard(card_text(module, index), keyboards.card(module, index))
        _RENDERED[key] = page
    return page


def card_text(module: Module, index: int) -> str:
    card = module.cards[index]
    title = f"<b>{escape(card.title)}</b>\n\n" if card.title else ""
    return texts.CARD.format(
        module=escape(module.title),
        number=index + 1,
        total=len(module.cards),
        title=title,
        text=card.text.strip(),
    )


async def on_card(update: Update, context: BotContext, data: CardButton) -> None:
    view = await context.services.learning.open_card(
        user_id(update), data.module, data.version, data.index
    )
    if view.outcome is CardOutcome.NO_MODULE:
        await toast(update, texts.MODULE_NOT_FOUND)
        return
    if view.outcome is CardOutcome.NOT_REGISTERED:
        await show(update, texts.NEED_REGISTRATION)
        return
    assert view.module is not None
    if view.outcome is CardOutcome.LOCKED:
        names = lock_names(context, view.locked_by)
        await toast(update, atexts.LOCKED_TOAST.format(modules=names))
        return
    if view.outcome is CardOutcome.OUTDATED:
        await toast(update, texts.MODULE_UPDATED)
        await show_module(update, context, view.module)
        return
    toast_text = texts.CARD_OUT_OF_RANGE if view.outcome is CardOutcome.OUT_OF_RANGE else None
    page = rendered_card(view.module, view.index)
    card = view.module.cards[view.index]
    if card.image is not None or _on_a_photo(update):
        await answer_query(update, toast_text)
        await _replace_card(update, context, page, card.image, keep=bool(data.new))
        return
    if data.new:  # from a quiz result: keep the list of what was missed on screen
        await answer_query(update, toast_text)
        await reply(update, page.text, page.markup)
        return
    await show(update, page.text, page.markup, toast=toast_text)


def _on_a_photo(update: Update) -> bool:
    query = update.callback_query
    message = query.message if query else None
    return isinstance(message, Message) and bool(message.photo)


async def _replace_card(
    update: Update, context: BotContext, page: RenderedCard, image: str | None, *, keep: bool
) -> None:
    """A card with a picture is a photo with the card as its caption; Telegram cannot edit a
    text message into a photo or back, so the card message is sent anew and the old one
    deleted (only where a picture starts or ends: every other card is an edit)."""
    chat = update.effective_chat
    if chat is None:
        return
    picture = await context.services.media.picture(image) if image else None
    if picture is not None:
        caption = page.text
        if telegram_length(visible_text(caption)) > CAPTION_LIMIT:
            caption = page.text.split("\n\n", 1)[-1]  # drop the header line, keep the card
        sent = await context.bot.send_photo(
            chat.id,
            picture.file_id or picture.read(),
            caption=caption,
            reply_markup=page.markup,
        )
        if picture.file_id is None and sent.photo:
            await context.services.media.remember(picture, sent.photo[-1].file_id)
    else:
        await reply(update, page.text, page.markup)
    query = update.callback_query
    if not keep and query is not None and isinstance(query.message, Message):
        try:
            await query.message.delete()
        except TelegramError:  # already gone, or too old to delete: the new card is what counts
            pass
