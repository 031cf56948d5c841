"""``/belajar``: the catalog, module pages, and cards read one at a time in one edited message."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.core.callbacks import CardButton, CatalogButton, ModuleButton
from bot.core.content import Module
from bot.core.jp import format_jp
from bot.core.telegram_html import escape
from bot.services.learning import CardOutcome, ModuleState
from bot.telegram.context import BotContext
from handlers import keyboards
from handlers.commands import command
from handlers.common import show, toast, user_id


@command("belajar", rank=20)
async def catalog(update: Update, context: BotContext) -> None:
    view = await context.services.learning.overview(user_id(update))
    if view is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    text = texts.CATALOG.format(done=view.done, total=view.total)
    await show(update, text, keyboards.catalog(view.counts))


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


def module_text(state: ModuleState) -> str:
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
    return texts.MODULE_PAGE.format(
        title=escape(module.title),
        category=texts.CATEGORY_NAMES[module.category.value],
        minutes=module.minutes,
        jp=format_jp(module.jp),
        summary=escape(module.summary),
        status=status,
        best=texts.NOT_SET if best is None else best,
        cards=len(module.cards),
        questions=len(module.quiz),
        pass_percent=module.pass_percent,
    )


async def show_module(update: Update, context: BotContext, module: Module) -> None:
    state = await context.services.learning.module_state(user_id(update), module)
    if state is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    await show(update, module_text(state), keyboards.module_page(state))


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
    if view.outcome is CardOutcome.OUTDATED:
        await toast(update, texts.MODULE_UPDATED)
        await show_module(update, context, view.module)
        return
    toast_text = texts.CARD_OUT_OF_RANGE if view.outcome is CardOutcome.OUT_OF_RANGE else None
    card = view.module.cards[view.index]
    page = rendered_card(view.module, view.index)
    await show(
        update,
        page.text,
        page.markup,
        toast=toast_text,
        preview_url=card.image_url,
    )
