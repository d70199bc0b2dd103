"""Charts as small inline SVG drawn on the server: no JavaScript, no CDN, readable by screen readers.

Each chart has a <title> and a <desc> (its text alternative), a <title> on every bar or point, and only
presentation attributes (the Content-Security-Policy forbids inline styles). Pages also print the
numbers in a table next to the chart.
"""

from dataclasses import dataclass

from flask_babel import format_decimal
from markupsafe import Markup

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 18, 40  # margins for axis labels
INK, MUTED, GRID, BAR, LINE, EMPTY = "#1a1a1a", "#555555", "#d0d0d0", "#0b4f9c", "#a3191d", "#767676"


@dataclass(frozen=True)
class Bar:
    label: str  # short label under the bar
    value: float | None  # None: nothing to show (e.g. no item was due that month)
    detail: str  # the bar's tooltip and accessible name, e.g. "04/2025: 80% (4 trên 5)"


def nice_ceiling(value):
    """The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _ticks(maximum):
    """0..maximum in 4 steps, or 5, 2 or 1 where 4 would give fractions (a count has no quarter items)."""
    count = next((count for count in (4, 5, 2) if maximum % count == 0), 1)
    return [maximum * index / count for index in range(count + 1)]


def _number(value, suffix=""):
    """A figure written as the page writes it (33,3% in Vietnamese), with its suffix."""
    return f"{format_decimal(value, format='#,##0.#')}{suffix}"


def _frame(chart_id, title, description, body):
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" width="{width}" height="{height}" '
        'viewBox="0 0 {width} {height}" aria-labelledby="{id}-title {id}-desc" '
        'font-family="system-ui, sans-serif" font-size="12">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>{body}</svg>'
    ).format(width=WIDTH, height=HEIGHT, id=chart_id, title=title, description=description, body=body)


def _axes(maximum, suffix):
    plot_height = HEIGHT - TOP - BOTTOM
    parts = []
    for tick in _ticks(maximum):
        y = TOP + plot_height - plot_height * tick / maximum
        parts.append(
            Markup(
                '<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{grid}"/>'
                '<text x="{label_x}" y="{label_y:.1f}" text-anchor="end" fill="{muted}">{label}</text>'
            ).format(
                left=LEFT,
                right=WIDTH - RIGHT,
                y=y,
                grid=GRID,
                label_x=LEFT - 6,
                label_y=y + 4,
                muted=MUTED,
                label=_number(tick, suffix),
            )
        )
    return Markup("").join(parts)


def _x_labels(labels, slot):
    plot_bottom = HEIGHT - BOTTOM
    # Keep every label readable: with many slots, show every other (or fewer) label.
    every = max(1, round(48 / slot)) if slot < 48 else 1
    parts = []
    for index, label in enumerate(labels):
        if index % every:
            continue
        parts.append(
            Markup('<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="{ink}">{label}</text>').format(
                x=LEFT + slot * (index + 0.5), y=plot_bottom + 18, ink=INK, label=label
            )
        )
    return Markup("").join(parts)


def bar_chart(chart_id, title, description, bars, maximum=None, suffix=""):
    """Vertical bars on a 0..maximum scale (maximum rounded up to a nice number if not given)."""
    values = [bar.value for bar in bars if bar.value is not None]
    maximum = maximum or nice_ceiling(max(values, default=1))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    width = max(slot * 0.7, 2)
    parts = [_axes(maximum, suffix)]
    for index, bar in enumerate(bars):
        x = LEFT + slot * index + (slot - width) / 2
        if bar.value is None:
            parts.append(
                Markup(
                    '<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{color}">–<title>{detail}</title></text>'
                ).format(x=x + width / 2, y=TOP + plot_height - 4, color=EMPTY, detail=bar.detail)
            )
            continue
        height = plot_height * min(bar.value, maximum) / maximum
        y = TOP + plot_height - height
        parts.append(
            Markup(
                '<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
                'fill="{color}"><title>{detail}</title></rect>'
            ).format(x=x, y=y, width=width, height=max(height, 0.5), color=BAR, detail=bar.detail)
        )
        if slot >= 28:
            parts.append(
                Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{ink}">{label}</text>').format(
                    x=x + width / 2, y=y - 4, ink=INK, label=_number(bar.value, suffix)
                )
            )
    parts.append(_x_labels([bar.label for bar in bars], slot))
    return _frame(chart_id, title, description, Markup("").join(parts))


def line_chart(chart_id, title, description, points, suffix=""):
    """A line through `points` (Bar values) on a 0..nice maximum scale, with a dot and a label per point."""
    values = [point.value or 0 for point in points]
    maximum = nice_ceiling(max(values, default=1))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    coordinates = [
        (LEFT + slot * (index + 0.5), TOP + plot_height - plot_height * value / maximum)
        for index, value in enumerate(values)
    ]
    parts = [_axes(maximum, suffix)]
    if len(coordinates) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.append(
            Markup('<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>').format(
                path=path, color=LINE
            )
        )
    for (x, y), point in zip(coordinates, points, strict=True):
        parts.append(
            Markup(
                '<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}">'
                "<title>{detail}</title></circle>"
            ).format(x=x, y=y, color=LINE, detail=point.detail)
        )
        if slot >= 28:
            parts.append(
                Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{ink}">{label}</text>').format(
                    x=x, y=y - 8, ink=INK, label=_number(point.value or 0, suffix)
                )
            )
    parts.append(_x_labels([point.label for point in points], slot))
    return _frame(chart_id, title, description, Markup("").join(parts))


@dataclass(frozen=True)
class Chart:
    """A chart ready for a page: its SVG and the same numbers as a table (headers, rows)."""

    chart_id: str
    title: str
    svg: Markup
    headers: tuple
    rows: list


def _month_label(day, short=False):
    return day.strftime("%m/%y") if short else day.strftime("%m/%Y")


def overview_charts(report):
    """The three charts of an overview: answers on time by month, backlog, distribution of response times."""
    from flask_babel import gettext as _

    months = report.scope.months()
    on_time_bars, on_time_rows = [], []
    for day, figures in zip(months, report.by_month, strict=True):
        rate_value = figures.answered_on_time_rate
        detail = (
            _("%(month)s: chưa có hồ sơ đến hạn trả lời", month=_month_label(day))
            if rate_value is None
            else _(
                "%(month)s: %(rate)s%% đúng hạn (%(on_time)s trên %(due)s hồ sơ đến hạn)",
                month=_month_label(day),
                rate=_number(rate_value),
                on_time=figures.answered_on_time,
                due=figures.answer_due,
            )
        )
        on_time_bars.append(Bar(_month_label(day, short=True), rate_value, detail))
        on_time_rows.append((_month_label(day), figures.answer_due, figures.answered_on_time, rate_value))
    backlog_points = [
        Bar(
            _month_label(day, short=True),
            count,
            _("Cuối %(month)s: %(count)s hồ sơ tồn đọng", month=_month_label(day), count=count),
        )
        for day, count in zip(months, report.backlog, strict=True)
    ]
    distribution = report.response_distribution()
    distribution_bars, distribution_rows = [], []
    for first, last, count in distribution:
        label = f"{first}–{last}" if last is not None else f"> {first - 1}"
        distribution_bars.append(
            Bar(label, count, _("Trả lời sau %(days)s ngày làm việc: %(count)s hồ sơ", days=label, count=count))
        )
        distribution_rows.append((label, count))
    on_time_title = _("Tỷ lệ trả lời đúng hạn theo tháng tiếp nhận")
    backlog_title = _("Hồ sơ tồn đọng cuối mỗi tháng")
    distribution_title = _("Phân bố thời gian trả lời (ngày làm việc)")
    return [
        Chart(
            "chart-on-time",
            on_time_title,
            bar_chart(
                "chart-on-time", on_time_title, "; ".join(bar.detail for bar in on_time_bars), on_time_bars, 100, "%"
            ),
            (_("Tháng"), _("Đến hạn trả lời"), _("Đúng hạn"), _("Tỷ lệ (%)")),
            on_time_rows,
        ),
        Chart(
            "chart-backlog",
            backlog_title,
            line_chart(
                "chart-backlog", backlog_title, "; ".join(point.detail for point in backlog_points), backlog_points
            ),
            (_("Tháng"), _("Hồ sơ tồn đọng")),
            [(_month_label(day), count) for day, count in zip(months, report.backlog, strict=True)],
        ),
        Chart(
            "chart-distribution",
            distribution_title,
            bar_chart(
                "chart-distribution",
                distribution_title,
                "; ".join(bar.detail for bar in distribution_bars),
                distribution_bars,
            ),
            (_("Số ngày làm việc"), _("Số hồ sơ")),
            distribution_rows,
        ),
    ]
