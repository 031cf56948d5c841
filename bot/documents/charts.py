"""PNG charts for the chat: an employee's JP over the year, and target compliance per OPD.

Only matplotlib's object API with the Agg canvas is used, never ``pyplot``: pyplot keeps a global
"current figure" that is not safe when charts are rendered in worker threads next to the event
loop, and it would pick a GUI backend on a desktop. Each call builds its own ``Figure``, so calls
share no state. Sizes and fonts are chosen to stay readable after Telegram scales a photo down to
a phone screen.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.core.agencies import short_name
from bot.core.jp import JpScale, decimal_text
from bot.texts import documents as labels

if TYPE_CHECKING:  # matplotlib costs ~40 MB: imported when a chart is drawn, not at start-up
    from matplotlib.figure import Figure

DPI = 150
WIDTH_IN = 8.0
PROGRESS_HEIGHT_IN = 5.0
NAVY = "#1f3a68"
GOLD = "#b08d3e"
GREEN = "#2e7d32"
RED = "#c62828"
FONT_SIZE = 13


@dataclass(frozen=True, slots=True)
class JpProgress:
    """One employee's credits in a year; ``until`` ends the line (today, for the current year)."""

    year: int
    credits: Sequence[tuple[date, int]]  # (day credited, minutes)
    target_minutes: int = 900
    until: date | None = None
    minutes_per_jp: int = 45


@dataclass(frozen=True, slots=True)
class OpdCompliance:
    """How many of an OPD's employees reached the yearly target."""

    name: str
    employees: int
    at_target: int

    @property
    def percent(self) -> float:
        return 100.0 * self.at_target / self.employees if self.employees else 0.0


def cumulative_steps(progress: JpProgress) -> list[tuple[date, int]]:
    """The step line's corners: running totals (minutes) from 1 January to ``until``.

    Credits outside the year are ignored and credits on the same day add up, so the line only ever
    rises and its last point is the year's total.
    """
    start, end = date(progress.year, 1, 1), date(progress.year, 12, 31)
    if progress.until is not None:
        end = max(start, min(end, progress.until))
    per_day: dict[date, int] = {}
    for day, minutes in progress.credits:
        if start <= day <= end:
            per_day[day] = per_day.get(day, 0) + minutes
    points = [(start, 0)]
    total = 0
    for day in sorted(per_day):
        total += per_day[day]
        points.append((day, total))
    points.append((end, total))
    return points


def compliance_order(rows: Iterable[OpdCompliance]) -> list[OpdCompliance]:
    """OPDs from the highest share at target down, ties by name, as a ranking is read."""
    checked = list(rows)
    for row in checked:
        # Refuse counts that cannot be right rather than draw a bar past 100%.
        if row.employees < 0 or not 0 <= row.at_target <= row.employees:
            raise ValueError(f"impossible compliance counts for {row.name!r}")
    return sorted(checked, key=lambda row: (-row.percent, row.name))


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def _new_figure(height_in: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")


def render_progress_chart(progress: JpProgress) -> bytes:
    """Cumulative JP through the year as a step line against the target, as PNG bytes."""
    from matplotlib.dates import date2num
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    points = cumulative_steps(progress)
    scale = JpScale(progress.minutes_per_jp)
    target = progress.target_minutes / progress.minutes_per_jp
    values = [minutes / progress.minutes_per_jp for _, minutes in points]

    figure = _new_figure(PROGRESS_HEIGHT_IN)
    ax = figure.add_subplot()
    ax.step(
        [date2num(day) for day, _ in points],
        values,
        where="post",
        color=NAVY,
        linewidth=3,
        label=labels.CHART_PROGRESS_LINE,
    )
    ax.axhline(
        target,
        color=GOLD,
        linestyle="--",
        linewidth=2,
        label=labels.CHART_TARGET_LINE.format(target=scale.jp_text(progress.target_minutes)),
    )
    year_start = date(progress.year, 1, 1)
    ax.set_xlim(date2num(year_start), date2num(date(progress.year, 12, 31) + timedelta(1)))
    ax.set_ylim(0, max(target, values[-1]) * 1.15)
    month_starts = [date2num(date(progress.year, month, 1)) for month in range(1, 13)]
    ax.set_xticks(month_starts, labels.MONTHS_SHORT, fontsize=FONT_SIZE - 1)
    ax.yaxis.set_major_locator(MultipleLocator(_y_step(max(target, values[-1]))))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: decimal_text(_jp(value))))
    ax.tick_params(axis="y", labelsize=FONT_SIZE)
    ax.set_ylabel(labels.CHART_PROGRESS_YLABEL, fontsize=FONT_SIZE)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.annotate(
        f"{scale.jp_text(points[-1][1])} {labels.JP_UNIT}",
        (date2num(points[-1][0]), values[-1]),
        xytext=(0, 8),
        textcoords="offset points",
        ha="right",
        fontsize=FONT_SIZE + 1,
        fontweight="bold",
        color=GREEN if values[-1] >= target else NAVY,
    )
    ax.set_title(labels.CHART_PROGRESS_TITLE.format(year=progress.year), fontsize=FONT_SIZE + 3)
    ax.legend(loc="upper left", fontsize=FONT_SIZE - 1, frameon=False)
    return _png(figure)


def _jp(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _y_step(top: float) -> float:
    """A tick every 2, 5, 10... JP so the axis has about five labels whatever the total."""
    for step in (1, 2, 5, 10, 20, 50, 100):
        if top / step <= 6:
            return step
    return 200


def compliance_height_in(count: int) -> float:
    """Figure height for ``count`` bars: a fixed band per OPD, so bars stay thick enough to tap
    and read however many OPDs a kabupaten has."""
    return max(3.0, 1.4 + 0.42 * max(count, 1))


CHART_PAGE = 20  # agencies per image: bars and names stay readable once a phone scales it
NAME_WIDTH = 34  # characters of an agency's name beside its bar


def compliance_pages(
    rows: Sequence[OpdCompliance], per_page: int = CHART_PAGE
) -> list[list[OpdCompliance]]:
    """The ranking cut into pages of at most ``per_page`` agencies, best first."""
    ordered = compliance_order(rows)
    return [list(ordered[i : i + per_page]) for i in range(0, len(ordered), per_page)] or [[]]


def render_compliance_pages(
    rows: Sequence[OpdCompliance], *, year: int, target_label: str = "20"
) -> list[bytes]:
    """One PNG per page of ``CHART_PAGE`` agencies (the 77 of the province are 4 images of
    about 1200 x 1470 px, which a phone shows at a readable size), each with its ranks."""
    pages = compliance_pages(rows)
    images = []
    first = 1
    for number, page in enumerate(pages, start=1):
        part = (number, len(pages)) if len(pages) > 1 else None
        images.append(
            render_compliance_chart(
                page, year=year, target_label=target_label, first_rank=first, part=part
            )
        )
        first += len(page)
    return images


def render_compliance_chart(
    rows: Sequence[OpdCompliance],
    *,
    year: int,
    target_label: str = "20",
    first_rank: int = 1,
    part: tuple[int, int] | None = None,
) -> bytes:
    """Share of employees at target per OPD as sorted horizontal bars, best at the top, as PNG;
    each bar named by rank and name (without "Provinsi Jawa Tengah", which every provincial
    agency shares; a name still too long loses its middle words, not its start or end)."""
    from matplotlib.ticker import FuncFormatter

    ordered = compliance_order(rows)
    figure = _new_figure(compliance_height_in(len(ordered)))
    ax = figure.add_subplot()
    title = labels.CHART_COMPLIANCE_TITLE.format(target=target_label, year=year)
    if part is not None:
        last = first_rank + len(ordered) - 1
        title += "\n" + labels.CHART_COMPLIANCE_PAGE.format(
            page=part[0], pages=part[1], first=first_rank, last=last
        )
    ax.set_title(title, fontsize=FONT_SIZE + 2)
    if not ordered:
        ax.text(0.5, 0.5, labels.CHART_NO_DATA, ha="center", va="center", fontsize=FONT_SIZE)
        ax.set_axis_off()
        return _png(figure)

    positions = list(range(len(ordered)))[::-1]  # first in order at the top
    percents = [row.percent for row in ordered]
    colors = [GREEN if value >= 100 else (NAVY if value >= 50 else RED) for value in percents]
    ax.barh(positions, percents, color=colors, height=0.7)
    names = [
        f"{rank}. {short_name(row.name, NAME_WIDTH)}"
        for rank, row in enumerate(ordered, start=first_rank)
    ]
    ax.set_yticks(positions, names, fontsize=FONT_SIZE - 1)
    for position, row in zip(positions, ordered, strict=True):
        # Floor, so 99.6% never reads "100%" for an OPD where someone is still short.
        text = labels.CHART_COMPLIANCE_BAR.format(
            percent=math.floor(row.percent), at_target=row.at_target, employees=row.employees
        )
        inside = row.percent >= 60
        ax.text(
            row.percent - 1.5 if inside else row.percent + 1.5,
            position,
            text,
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=FONT_SIZE - 2,
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(ordered) - 0.4)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}%"))
    ax.tick_params(axis="x", labelsize=FONT_SIZE - 2)
    ax.set_xlabel(labels.CHART_COMPLIANCE_XLABEL, fontsize=FONT_SIZE - 1)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(figure)
