"""Inline keyboards of the learner's side. Callback data is typed (``bot.core.callbacks``) and
comes back unverified, so every handler re-checks it against the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.core.callbacks import (
    CallbackData,
    CardButton,
    CatalogButton,
    CertificateButton,
    MenuButton,
    ModuleButton,
    OpdButton,
    OpdPageButton,
    PathButton,
    PracticeButton,
    ProfileButton,
    QuizButton,
    RecallButton,
    RegisterButton,
    ReminderButton,
    YearButton,
)
from bot.core.content import Category, Module
from bot.core.quiz_rules import Gate, GateResult
from bot.services.learning_rules import ModuleState, PathView
from bot.services.registration import OpdPage
from bot.services.reminders import ReminderView
from bot.texts import assignments as atexts
from bot.texts import identity as itexts
from bot.texts import reminders as rtexts
from bot.texts import review as review_texts

MAX_BUTTON_LABEL = 60


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(_label(text), callback_data=data.pack())


def markup(rows: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def shortcut(state: ModuleState | None) -> list[InlineKeyboardButton]:
    """One button to the module to learn now (``bot.services.learning.shortcut_for``): the
    card to resume, the module page when only its quiz is left, or the first card."""
    if state is None:
        return []
    module = state.module
    data: CallbackData
    if state.read_all_cards:
        template, data = texts.BTN_SHORTCUT_QUIZ, ModuleButton(module.id)
    elif state.started:
        template = texts.BTN_SHORTCUT_RESUME.replace("{card}", str(state.resume_card + 1)).replace(
            "{total}", str(len(module.cards))
        )
        data = _card(module, state.resume_card)
    else:
        template, data = texts.BTN_SHORTCUT_START, _card(module, 0)
    room = MAX_BUTTON_LABEL - len(template.replace("{title}", ""))
    title = module.title if len(module.title) <= room else module.title[: room - 1] + "…"
    return [button(template.replace("{title}", title), data)]


def main_menu(
    review_goal: int = 0,
    learn: ModuleState | None = None,
    required: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """The main menu: required learning first ("📌 Wajib"), the module to learn now, the review
    of the day when there are questions to review, then the main jobs (learn, JP, certificates,
    /lapor, reminders, profile, help)."""
    review = (
        [button(review_texts.BTN_REVIEW.format(goal=review_goal), RecallButton())]
        if review_goal > 0
        else []
    )
    return markup(
        [
            *([b] for b in required),
            shortcut(learn),
            review,
            [button(texts.BTN_LEARN, MenuButton("learn")), button(texts.BTN_JP, MenuButton("jp"))],
            [
                button(texts.BTN_CERTIFICATES, MenuButton("cert")),
                button(texts.BTN_LAPOR, MenuButton("lapor")),
            ],
            [
                button(texts.BTN_REMINDER, MenuButton("remind")),
                button(texts.BTN_PROFILE, MenuButton("profile")),
            ],
            [button(texts.BTN_HELP, MenuButton("help"))],
        ]
    )


def back_to_module(state: ModuleState) -> InlineKeyboardMarkup:
    """Under the answer to a question typed while a module is open: back to its card (in a
    new message, as the card is further up the chat), or to its page once it was read."""
    module = state.module
    if state.read_all_cards:
        back = button(texts.BTN_BACK_TO_MODULE, ModuleButton(module.id))
    else:
        card = state.resume_card
        back = button(
            texts.BTN_BACK_TO_CARD.format(card=card + 1),
            CardButton(module.id, module.version, card, new=True),
        )
    return markup([[back], home()])


def home() -> list[InlineKeyboardButton]:
    """The row back to the main menu, under every screen."""
    return [button(texts.BTN_MENU, MenuButton("home"))]


def transfer(token: str) -> InlineKeyboardMarkup:
    """Under "this NIP is bound to another account": ask an admin for a transfer."""
    return markup([[button(itexts.BTN_TRANSFER, RegisterButton("move", token))]])


def admin_route(token: str) -> InlineKeyboardMarkup:
    """After a phone that did not match: be verified by an admin instead."""
    return markup([[button(itexts.BTN_ADMIN_ROUTE, RegisterButton("admin", token))]])


def consent(token: str) -> InlineKeyboardMarkup:
    """Register with the optional messages (reminders, announcements), without them, or not."""
    return markup(
        [
            [button(texts.BTN_CONSENT_YES, RegisterButton("yes", token))],
            [button(texts.BTN_CONSENT_QUIET, RegisterButton("quiet", token))],
            [button(texts.BTN_CONSENT_NO, RegisterButton("no", token))],
        ]
    )


def opd_page(page: OpdPage, token: str) -> InlineKeyboardMarkup:
    """The agency picker of the flow state whose ``token`` its buttons carry."""
    rows = [[button(opd.name, OpdButton(token, opd.code))] for opd in page.items]
    if page.query is not None:
        rows.append([button(texts.BTN_ALL_OPD, OpdPageButton(token, 0))])
    else:
        nav = []
        if page.page > 0:
            nav.append(button(texts.BTN_PREV, OpdPageButton(token, page.page - 1)))
        if page.page < page.pages - 1:
            nav.append(button(texts.BTN_NEXT, OpdPageButton(token, page.page + 1)))
        rows.append(nav)
    return markup(rows)


def profile(locked: frozenset[str] = frozenset()) -> InlineKeyboardMarkup:
    """Edit buttons for the fields the employee may change (not those the roster holds)."""
    fields: list[tuple[str, ProfileButton]] = [
        (texts.BTN_EDIT_NAME, ProfileButton("name")),
        (texts.BTN_EDIT_OPD, ProfileButton("opd")),
        (texts.BTN_EDIT_UNIT, ProfileButton("unit_kerja")),
        (texts.BTN_EDIT_JABATAN, ProfileButton("jabatan")),
        (texts.BTN_EDIT_GOLONGAN, ProfileButton("golongan")),
    ]
    edits = [button(label, data) for label, data in fields if data.field not in locked]
    edits.append(button(texts.BTN_MENU, MenuButton("home")))
    return markup([edits[i : i + 2] for i in range(0, len(edits), 2)])


MAX_PATH_BUTTONS = 10


def catalog(
    counts: dict[Category, tuple[int, int]],
    learn: ModuleState | None = None,
    paths: Sequence[PathView] = (),
    required: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """Required learning first, the module to learn now, then the categories, then the
    learning paths (each with a direct button to its next module once the learner follows it),
    and the way back to the menu."""
    rows: list[list[InlineKeyboardButton]] = [[b] for b in required]
    rows.append(shortcut(learn))
    for category, (done, total) in counts.items():
        if total:
            name = texts.CATEGORY_NAMES[category.value]
            rows.append([button(f"{name} ({done}/{total})", CatalogButton(category))])
    for view in paths[:MAX_PATH_BUTTONS]:
        label = atexts.BTN_PATH.format(title=view.path.title, done=view.done, total=view.total)
        row = [button(label, PathButton(view.path.id))]
        upcoming = view.next
        if view.followed and upcoming is not None:
            row.append(button(atexts.BTN_PATH_NEXT.format(module=upcoming.title), _open(upcoming)))
        rows.append(row)
    rows.append(home())
    return markup(rows)


def _open(module: Module) -> ModuleButton:
    return ModuleButton(module.id)


def path_page(view: PathView) -> InlineKeyboardMarkup:
    rows = []
    for step in view.steps:
        icon = _icon(step)
        rows.append([button(f"{icon} {step.module.title}", ModuleButton(step.module.id))])
    rows.append([button(atexts.BTN_PATHS_BACK, CatalogButton())])
    return markup(rows)


def _icon(state: ModuleState) -> str:
    if state.locked:
        return atexts.ICON_LOCKED
    if state.completed:
        return texts.ICON_DONE
    if state.started:
        return texts.ICON_IN_PROGRESS
    return texts.ICON_NEW


def category(states: Sequence[ModuleState]) -> InlineKeyboardMarkup:
    rows = []
    for state in states:
        if state.locked:
            icon = atexts.ICON_LOCKED
        elif state.completed:
            icon = texts.ICON_DONE
        elif state.started:
            icon = texts.ICON_IN_PROGRESS
        else:
            icon = texts.ICON_NEW
        rows.append([button(f"{icon} {state.module.title}", ModuleButton(state.module.id))])
    rows.append([button(texts.BTN_CATALOG, CatalogButton()), *home()])
    return markup(rows)


def module_page(state: ModuleState, gate: GateResult | None = None) -> InlineKeyboardMarkup:
    module = state.module
    rows = []
    quiz_label = texts.BTN_QUIZ
    if gate is not None and gate.gate is Gate.READ_MORE:
        quiz_label = texts.BTN_QUIZ_LOCKED.format(minutes=max(1, -(-gate.wait_seconds // 60)))
    if state.completed:
        rows.append([button(texts.BTN_REREAD, _card(module, 0))])
        rows.append([button(texts.BTN_RETAKE, _quiz(module))])
    elif state.read_all_cards:
        rows.append([button(quiz_label, _quiz(module))])
        if gate is not None and gate.gate is Gate.REREAD:
            rows += reread_rows(module, gate.cards)
        rows.append([button(texts.BTN_REREAD, _card(module, 0))])
    elif state.started:
        resume = state.resume_card
        rows.append([button(texts.BTN_RESUME.format(card=resume + 1), _card(module, resume))])
    elif state.locked:
        pass  # the page says what to pass first; a forged card button is refused too
    else:
        rows.append([button(texts.BTN_START, _card(module, 0))])
    rows.append([button(texts.BTN_CATALOG, CatalogButton(module.category))])
    return markup(rows)


def card(module: Module, index: int) -> InlineKeyboardMarkup:
    current = module.cards[index]
    rows: list[list[InlineKeyboardButton]] = []
    if current.link is not None:
        rows.append([InlineKeyboardButton(_label(current.link.label), url=current.link.url)])
    nav = []
    if index > 0:
        nav.append(button(texts.BTN_BACK, _card(module, index - 1)))
    if index < len(module.cards) - 1:
        nav.append(button(texts.BTN_FORWARD, _card(module, index + 1)))
    else:
        nav.append(button(texts.BTN_TO_QUIZ, _quiz(module)))
    rows.append(nav)
    rows.append([button(texts.BTN_MODULE, ModuleButton(module.id))])
    return markup(rows)


REREAD_BUTTONS = 6


def reread_rows(module: Module, cards: Sequence[int]) -> list[list[InlineKeyboardButton]]:
    """A button per card to re-read (the cards of the questions missed), a few at most."""
    return [
        [
            button(
                texts.BTN_REREAD_CARD.format(card=card + 1, title=module.cards[card].title),
                CardButton(module.id, module.version, card, new=True),
            )
        ]
        for card in cards[:REREAD_BUTTONS]
        if 0 <= card < len(module.cards)
    ]


def quiz_passed(module: Module, next_module: Module | None) -> InlineKeyboardMarkup:
    rows = [[button(texts.BTN_CERTIFICATE, CertificateButton(module.id))]]
    if next_module is not None:
        label = texts.BTN_NEXT_MODULE.format(title=next_module.title)
        rows.append([button(label, ModuleButton(next_module.id))])
    rows.append(
        [button(texts.BTN_MY_JP, MenuButton("jp")), button(texts.BTN_MENU, MenuButton("home"))]
    )
    return markup(rows)


def quiz_failed(
    module: Module, cards: Sequence[int], attempt_id: int | None = None
) -> InlineKeyboardMarkup:
    rows = []
    if attempt_id is not None and cards:
        rows.append([button(review_texts.BTN_PRACTICE, PracticeButton(attempt_id))])
    rows += reread_rows(module, cards)
    rows.append([button(texts.BTN_RETAKE, _quiz(module))])
    rows.append([button(texts.BTN_MODULE, ModuleButton(module.id)), *home()])
    return markup(rows)


def years(other_years: Sequence[int]) -> InlineKeyboardMarkup | None:
    if not other_years:
        return None
    buttons = [button(texts.BTN_YEAR.format(year=y), YearButton(y)) for y in other_years]
    return markup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def _card(module: Module, index: int) -> CardButton:
    return CardButton(module.id, module.version, index)


def _quiz(module: Module) -> QuizButton:
    return QuizButton(module.id, module.version)


# --- /pengingat ---------------------------------------------------------------------------------
REMINDER_PRESETS = ("06:30", "12:00", "16:00", "19:30")


def reminder_settings(
    view: ReminderView, offered: tuple[str, ...] = REMINDER_PRESETS
) -> InlineKeyboardMarkup:
    """The /pengingat panel; ``offered``: the presets outside quiet hours."""
    presets = [
        button(
            ("✅ " if view.enabled and view.at.strftime("%H:%M") == p else "") + p,
            ReminderButton("t", p.replace(":", "")),
        )
        for p in offered
    ]
    days = (
        button(rtexts.BTN_DAYS_EVERY, ReminderButton("days", "all"))
        if view.weekdays_only
        else button(rtexts.BTN_DAYS_WEEKDAYS, ReminderButton("days", "wd"))
    )
    pauses = [
        button(rtexts.BTN_PAUSE.format(days=d), ReminderButton("pause", str(d))) for d in (3, 7, 14)
    ]
    switch = (
        button(rtexts.BTN_OFF, ReminderButton("off"))
        if view.enabled
        else button(rtexts.BTN_ON, ReminderButton("on"))
    )
    rows: list[list[InlineKeyboardButton]] = [
        presets,
        [button(rtexts.BTN_OTHER_TIME, ReminderButton("other")), days],
    ]
    if view.paused_until is not None:
        rows.append([button(rtexts.BTN_RESUME, ReminderButton("on")), switch])
    else:
        rows.append(pauses)
        rows.append([switch, button(texts.BTN_MENU, MenuButton("home"))])
    return markup(rows)
