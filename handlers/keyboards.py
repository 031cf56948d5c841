"""Inline keyboards and the callback-data grammar, in one place.

Callback data is at most 64 bytes and comes back from the client unverified, so every handler
re-checks it against the database; these builders and the ``PATTERN_*`` regexes must agree.

    menu:<home|learn|jp|profile|help|remind>     reg:<name|yes|no>     opd:<code>     opdp:<page>
    prof:<field>     cat[:<category>]     mod:<id>     card:<id>:<version>:<index>
    quiz:<id>:<version>     jp:<year>
    rem:<show|other|on|off|t:HHMM|days:<wd|all>|pause:<days>>
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.core.content import Category, Module
from bot.services.learning import ModuleState
from bot.services.registration import OpdPage
from bot.services.reminders import ReminderView
from bot.texts import reminders as rtexts

PATTERN_MENU = r"^menu:(home|learn|jp|profile|help|remind)$"
PATTERN_REG = r"^reg:(name|yes|no)$"
PATTERN_OPD = r"^opd:([a-z0-9-]{1,24})$"
PATTERN_OPD_PAGE = r"^opdp:(\d{1,3})$"
PATTERN_PROFILE = r"^prof:([a-z_]{1,16})$"
PATTERN_CATALOG = r"^cat(?::([a-z_]{1,20}))?$"
PATTERN_MODULE = r"^mod:([a-z0-9-]{1,24})$"
PATTERN_CARD = r"^card:([a-z0-9-]{1,24}):(\d{1,6}):(\d{1,3})$"
PATTERN_QUIZ = r"^quiz:([a-z0-9-]{1,24}):(\d{1,6})$"
PATTERN_JP = r"^jp:(\d{4})$"

MAX_BUTTON_LABEL = 60


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(_label(text), callback_data=data)


def markup(rows: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def main_menu() -> InlineKeyboardMarkup:
    return markup(
        [
            [_button(texts.BTN_LEARN, "menu:learn"), _button(texts.BTN_JP, "menu:jp")],
            [_button(texts.BTN_PROFILE, "menu:profile"), _button(texts.BTN_HELP, "menu:help")],
            [_button(texts.BTN_REMINDER, "menu:remind")],
        ]
    )


def use_name(name: str) -> InlineKeyboardMarkup:
    return markup([[_button(texts.BTN_USE_NAME.format(name=name), "reg:name")]])


def consent() -> InlineKeyboardMarkup:
    return markup(
        [[_button(texts.BTN_CONSENT_YES, "reg:yes"), _button(texts.BTN_CONSENT_NO, "reg:no")]]
    )


def opd_page(page: OpdPage) -> InlineKeyboardMarkup:
    rows = [[_button(opd.name, f"opd:{opd.code}")] for opd in page.items]
    if page.query is not None:
        rows.append([_button(texts.BTN_ALL_OPD, "opdp:0")])
    else:
        nav = []
        if page.page > 0:
            nav.append(_button(texts.BTN_PREV, f"opdp:{page.page - 1}"))
        if page.page < page.pages - 1:
            nav.append(_button(texts.BTN_NEXT, f"opdp:{page.page + 1}"))
        rows.append(nav)
    return markup(rows)


def profile() -> InlineKeyboardMarkup:
    return markup(
        [
            [_button(texts.BTN_EDIT_NAME, "prof:name"), _button(texts.BTN_EDIT_OPD, "prof:opd")],
            [
                _button(texts.BTN_EDIT_UNIT, "prof:unit_kerja"),
                _button(texts.BTN_EDIT_JABATAN, "prof:jabatan"),
            ],
            [
                _button(texts.BTN_EDIT_GOLONGAN, "prof:golongan"),
                _button(texts.BTN_MENU, "menu:home"),
            ],
        ]
    )


def catalog(counts: dict[Category, tuple[int, int]]) -> InlineKeyboardMarkup:
    rows = []
    for category, (done, total) in counts.items():
        if total:
            name = texts.CATEGORY_NAMES[category.value]
            rows.append([_button(f"{name} ({done}/{total})", f"cat:{category.value}")])
    return markup(rows)


def category(states: Sequence[ModuleState]) -> InlineKeyboardMarkup:
    rows = []
    for state in states:
        if state.completed:
            icon = texts.ICON_DONE
        elif state.started:
            icon = texts.ICON_IN_PROGRESS
        else:
            icon = texts.ICON_NEW
        rows.append([_button(f"{icon} {state.module.title}", f"mod:{state.module.id}")])
    rows.append([_button(texts.BTN_CATALOG, "cat")])
    return markup(rows)


def module_page(state: ModuleState) -> InlineKeyboardMarkup:
    module = state.module
    rows = []
    if state.completed:
        rows.append([_button(texts.BTN_REREAD, _card(module, 0))])
        rows.append([_button(texts.BTN_RETAKE, _quiz(module))])
    elif state.read_all_cards:
        rows.append([_button(texts.BTN_QUIZ, _quiz(module))])
        rows.append([_button(texts.BTN_REREAD, _card(module, 0))])
    elif state.started:
        resume = state.resume_card
        rows.append([_button(texts.BTN_RESUME.format(card=resume + 1), _card(module, resume))])
    else:
        rows.append([_button(texts.BTN_START, _card(module, 0))])
    rows.append([_button(texts.BTN_CATALOG, f"cat:{module.category.value}")])
    return markup(rows)


def card(module: Module, index: int) -> InlineKeyboardMarkup:
    current = module.cards[index]
    rows: list[list[InlineKeyboardButton]] = []
    if current.link is not None:
        rows.append([InlineKeyboardButton(_label(current.link.label), url=current.link.url)])
    nav = []
    if index > 0:
        nav.append(_button(texts.BTN_BACK, _card(module, index - 1)))
    if index < len(module.cards) - 1:
        nav.append(_button(texts.BTN_FORWARD, _card(module, index + 1)))
    else:
        nav.append(_button(texts.BTN_TO_QUIZ, _quiz(module)))
    rows.append(nav)
    rows.append([_button(texts.BTN_MODULE, f"mod:{module.id}")])
    return markup(rows)


def quiz_passed() -> InlineKeyboardMarkup:
    return markup(
        [[_button(texts.BTN_MY_JP, "menu:jp"), _button(texts.BTN_OTHER_MODULES, "menu:learn")]]
    )


def quiz_failed(module: Module) -> InlineKeyboardMarkup:
    return markup(
        [
            [_button(texts.BTN_RETAKE, _quiz(module))],
            [_button(texts.BTN_REREAD, _card(module, 0))],
        ]
    )


def years(other_years: Sequence[int]) -> InlineKeyboardMarkup | None:
    if not other_years:
        return None
    buttons = [_button(texts.BTN_YEAR.format(year=y), f"jp:{y}") for y in other_years]
    return markup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def _card(module: Module, index: int) -> str:
    return f"card:{module.id}:{module.version}:{index}"


def _quiz(module: Module) -> str:
    return f"quiz:{module.id}:{module.version}"


# --- /pengingat ---------------------------------------------------------------------------------
PATTERN_REMINDER = r"^rem:(show|other|on|off|t:\d{4}|days:(?:wd|all)|pause:\d{1,2})$"
REMINDER_PRESETS = ("06:30", "12:00", "16:00", "19:30")


def reminder_settings(view: ReminderView) -> InlineKeyboardMarkup:
    presets = [
        _button(
            ("✅ " if view.enabled and view.at.strftime("%H:%M") == p else "") + p,
            f"rem:t:{p.replace(':', '')}",
        )
        for p in REMINDER_PRESETS
    ]
    days = (
        _button(rtexts.BTN_DAYS_EVERY, "rem:days:all")
        if view.weekdays_only
        else _button(rtexts.BTN_DAYS_WEEKDAYS, "rem:days:wd")
    )
    pauses = [_button(rtexts.BTN_PAUSE.format(days=d), f"rem:pause:{d}") for d in (3, 7, 14)]
    switch = (
        _button(rtexts.BTN_OFF, "rem:off") if view.enabled else _button(rtexts.BTN_ON, "rem:on")
    )
    rows: list[list[InlineKeyboardButton]] = [
        presets,
        [_button(rtexts.BTN_OTHER_TIME, "rem:other"), days],
    ]
    if view.paused_until is not None:
        rows.append([_button(rtexts.BTN_RESUME, "rem:on"), switch])
    else:
        rows.append(pauses)
        rows.append([switch, _button(texts.BTN_MENU, "menu:home")])
    return markup(rows)
