"""Every list a user or admin can grow stays within the Bot API's limits, whatever the data.

Hypothesis renders the screens that grow (/jp, /terjadwal, /audit, the /laporan ranking) with
random, long, astral-plane and markup-looking data, and the fake Bot API's own checks
(``bot.emulator``: HTML parsed and counted as Telegram does, keyboards, 64-byte callback data)
judge the result. Each was found over a limit: /jp with 18 long titles (4,200 characters),
/terjadwal with 48 items (4,331 characters, 101 buttons), /audit (about 4,900).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup

from bot.core import callbacks as cb
from bot.core.jp import JpScale
from bot.emulator.checks import MESSAGE_MAX, check_markup
from bot.emulator.formatting import format_text, u16len
from bot.services.audit_log import AuditLine
from bot.services.hours import HoursView
from bot.services.reports import RecapView
from bot.store.reports import OpdRecap
from bot.texts import admin as t
from handlers import admin_keyboards
from handlers.admin import audit_text
from handlers.broadcast import scheduled_page
from handlers.hours import hours_text
from handlers.reports import ranking_page

# Titles, names and texts as people type them: long, with emoji (two UTF-16 units each),
# HTML-looking characters and line breaks.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from(["<", ">", "&", "😀", "ṡ", "\n", " "]),
    min_size=1,
    max_size=300,
)
MANY = settings(max_examples=60, deadline=None)


def within_limits(text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """What the fake Bot API (and Telegram) would accept from sendMessage/editMessageText."""
    visible, _ = format_text(text, "HTML", None)
    assert 0 < u16len(visible) <= MESSAGE_MAX, u16len(visible)
    if markup is not None:
        check_markup(markup.to_dict())  # 100 buttons, 8 a row, callback_data <= 64 bytes


def entry(number: int, title: str, minutes: int) -> Any:
    return SimpleNamespace(
        id=number,
        ended_on=date(2026, 1 + number % 12, 1 + number % 28),
        title=title,
        source_kind="module" if number % 2 else "external",
        category="teknis" if number % 3 else None,
        minutes=minutes,
    )


@MANY
@given(titles=st.lists(TEXT, max_size=80), minutes=st.integers(1, 10_000))
def test_jp_fits_whatever_the_titles(titles: list[str], minutes: int) -> None:
    entries = [entry(i, title, minutes) for i, title in enumerate(titles)]
    view = HoursView(
        employee=cast(
            Any, SimpleNamespace(name="x", nip="1", jabatan=None, unit_kerja=None, verified_at=None)
        ),
        year=2026,
        minutes=minutes * len(entries),
        target_minutes=900,
        scale=JpScale(45),
        entries=entries,
        other_years=[],
        days_left=30,
    )
    text = hours_text(view)
    within_limits(text)
    if entries and len(entries) > 25:
        assert "kegiatan lainnya" in text


@MANY
@given(
    texts=st.lists(TEXT, min_size=1, max_size=150),
    first_id=st.integers(1, 10**9),
    page=st.integers(-3, 30),
)
def test_terjadwal_pages_fit_whatever_the_announcements(
    texts: list[str], first_id: int, page: int
) -> None:
    entries = [(first_id + i, "30/11/2026 08:00 WIB", text) for i, text in enumerate(texts)]
    shown: set[int] = set()
    pages = None
    for number in range(0, 200):
        text, markup = scheduled_page(entries, number, notice="Pengumuman #1 dibatalkan.")
        within_limits(text, markup)
        buttons = [cb.BroadcastButton.unpack(d) for d in _callbacks(markup)]
        ids = {b.broadcast for b in buttons if b is not None and b.action == "cancel"}
        if ids <= shown:
            pages = number
            break
        shown |= ids
    assert shown == {i for i, _, _ in entries}, "every announcement is on some page"
    assert pages is not None
    within_limits(*scheduled_page(entries, page))  # any page number asked is answered


@MANY
@given(
    whats=st.lists(TEXT, min_size=1, max_size=40),
    who=TEXT,
    role=TEXT,
    label=st.none() | TEXT,
)
def test_audit_fits_and_continues_from_the_last_entry_shown(
    whats: list[str], who: str, role: str, label: str | None
) -> None:
    lines = [
        AuditLine(1000 - i, "01/12/2026 08:00", who, role, what, "x.y", {})
        for i, what in enumerate(whats)
    ]
    text, older = audit_text(lines, "WIB", label)
    within_limits(text)
    assert older is not None and older in {line.id for line in lines}
    page = cb.AuditPageButton(10**12, 10**12, "registration")
    within_limits(text, admin_keyboards.audit(older, page))
    within_limits(text, admin_keyboards.audit_kinds())
    actors = [(10**12 + i, who + role) for i in range(20)]
    within_limits(t.AUDIT_PICK_ADMIN, admin_keyboards.audit_actors(actors))


@MANY
@given(names=st.lists(TEXT, min_size=1, max_size=70))
def test_the_ranking_fits_whatever_the_agency_names(names: list[str]) -> None:
    rows = [OpdRecap(f"opd-{i}", 10_000 + i, i, 900 * i) for i, _ in enumerate(names)]
    view = RecapView(2026, rows, {})
    text = ranking_page({f"opd-{i}": n for i, n in enumerate(names)}, JpScale(45), view)
    within_limits(text)


def _field_value(draw: st.DrawFn, kind: type[cb.CallbackData], name: str) -> Any:
    codec = next(f for f in kind._codecs() if f.name == name)
    for _ in range(50):
        raw = draw(
            st.one_of(
                st.text(alphabet="abcdef0123456789-", min_size=1, max_size=30),
                st.from_regex(r"[0-9]{1,20}", fullmatch=True),
                st.sampled_from(["ok", "no", "xlsx", "siasn", "all", "3328", "t", "days"]),
            )
        )
        value = codec.parse(raw)
        if value is not None and value is not cb._MISSING:
            return value
    return None


@st.composite
def buttons(draw: st.DrawFn) -> cb.CallbackData | None:
    kind = draw(st.sampled_from(sorted(cb.CallbackData._registry.values(), key=str)))
    values = {f.name: _field_value(draw, kind, f.name) for f in kind._codecs()}
    try:
        return kind(**values)
    except TypeError:
        return None


@settings(max_examples=400, deadline=None)
@given(button=buttons())
def test_a_packed_button_is_never_over_64_bytes_and_reads_back(
    button: cb.CallbackData | None,
) -> None:
    """Any button, with any values its fields accept: 64 bytes at most, or refused when built
    (never sent to Telegram), and what it packs is what it unpacks."""
    if button is None:
        return
    try:
        data = button.pack()
    except (cb.CallbackTooLong, ValueError):
        return
    assert len(data.encode()) <= cb.CALLBACK_LIMIT
    assert type(button).unpack(data) == button


def _callbacks(markup: InlineKeyboardMarkup) -> list[str]:
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row if b.callback_data]


def _button(data: cb.CallbackData) -> Any:
    from handlers.keyboards import button

    return button("x", data)


def test_a_short_audit_page_offers_no_older_entries() -> None:
    lines = [AuditLine(i, "01/12/2026 08:00", "A", "B", "x", "x.y", {}) for i in (3, 2, 1)]
    assert audit_text(lines, "WIB", full=False)[1] is None
    assert audit_text(lines, "WIB", full=True)[1] == 1
