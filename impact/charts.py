"""Server-rendered SVG charts: no JavaScript, no inline styles (the CSP forbids both).

Every chart is a `Chart`: its SVG, and the same numbers as a table (columns and rows) that
the page shows beside it, the print report repeats, and the CSV export writes. Colours
and strokes come from classes in static/css/site.css (`.chart-svg .s0` …), geometry from
SVG attributes. A cell is a number, a label, a value of `impact.values` (`Count`,
`Percent`, `Number`: each formats itself and knows the privacy floor) or None (withheld):
a withheld or not-applicable value is drawn as a gap and written "fewer than 5" or "–".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core import csvs

from .values import HIDDEN, Percent, csv_cell, number, plain, text

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40
SUPPRESSED = HIDDEN


@dataclass
class Chart:
    name: str
    title: str
    columns: list[str]
    rows: list[list]
    summary: str = ""  # the text alternative, read by screen readers and shown in print
    svg: SafeString | None = None
    legend: list[str] = field(default_factory=list)
    note: str = ""

    def display_rows(self) -> list[list[str]]:
        return [[display(cell) for cell in row] for row in self.rows]

    def body_html(self) -> SafeString:
        """The table's rows as the page writes them, each row's first cell its header:
        written here rather than by template loops over some 650 cells (a third of
        drawing a dashboard)."""
        rows = []
        for first, *cells in self.display_rows():
            data = "".join(f"<td>{conditional_escape(cell)}</td>" for cell in cells)
            rows.append(f'<tr><th scope="row">{conditional_escape(first)}</th>{data}</tr>')
        return mark_safe("".join(rows))  # noqa: S308 -- every cell is escaped above.


def display(cell) -> str:
    """A cell as the page writes it (`impact.values.text`)."""
    return text(cell)


def csv_rows(chart: Chart) -> list[list]:
    """The chart's table for CSV: rates as decimals (four places, kept numbers so a
    negative one is never mistaken for a formula), withheld cells as "<5"."""
    return [[csv_cell(c) for c in row] for row in chart.rows]


def csv_text(chart: Chart) -> str:
    """The chart's table as CSV, through the site's one writer (`core.csvs`)."""
    return csvs.csv_text(chart.columns, csv_rows(chart))


def _number(value) -> float:
    """A drawable number: hidden and not-applicable values draw nothing."""
    return number(value) or 0


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return value


def _frame(chart_id: str, title: str, summary: str, top: float, labels: list[str], fmt) -> list:
    """The SVG's accessible name, axes, three y ticks and the x labels."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html('<desc id="{}-desc">{}</desc>', chart_id, summary),
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                fmt(top * fraction),
            )
        )
    band = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    every = max(1, -(-len(labels) // 12))
    for index, label in enumerate(labels):
        if index % every:
            continue
        parts.append(
            format_html(
                '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                f"{LEFT + band * (index + 0.5):.1f}",
                HEIGHT - BOTTOM + 18,
                label,
            )
        )
    return parts


def _escaped(words) -> list[str]:
    return [conditional_escape(word) for word in words]


def _svg(chart_id: str, parts: list) -> SafeString:
    return format_html(
        '<svg class="chart-svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false">{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        # Every part is format_html, or an f-string of numbers and escaped words.
        mark_safe("".join(str(p) for p in parts)),  # noqa: S308
    )


def _fmt(percent: bool):
    return (lambda v: str(Percent(v, 1))) if percent else plain


def line_svg(
    chart_id: str,
    title: str,
    summary: str,
    labels: list[str],
    series: list[tuple[str, list]],
    *,
    percent: bool = False,
) -> SafeString:
    """One polyline per series over the labels; a None breaks the line."""
    values = [v for _name, vs in series for v in map(number, vs) if v is not None]
    top = 1.0 if percent else _nice_max(max(values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    parts = _frame(chart_id, title, summary, top, labels, _fmt(percent))
    # Every point and bar is written with an f-string, its words escaped once per chart:
    # format_html per point had been most of drawing a dashboard.
    names, marks = _escaped(name for name, _vs in series), _escaped(labels)
    fmt = _fmt(percent)
    for index, (_name, vs) in enumerate(series):
        runs, run = [], []
        for position, value in enumerate(map(number, vs)):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            point = (LEFT + band * (position + 0.5), TOP + plot_h * (1 - value / top))
            run.append(point)
            parts.append(
                f'<circle class="chart-point s{index}" cx="{point[0]:.1f}" cy="{point[1]:.1f}" '
                f'r="3.5"><title>{names[index]}, {marks[position]}: '
                f"{conditional_escape(fmt(value))}</title></circle>"
            )
        if run:
            runs.append(run)
        for points in runs:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline class="chart-line s{index}" points="{line}"/>')
    return _svg(chart_id, parts)


def bar_svg(
    chart_id: str,
    title: str,
    summary: str,
    labels: list[str],
    series: list[tuple[str, list]],
    *,
    stacked: bool = True,
    percent: bool = False,
) -> SafeString:
    """Bars per label: stacked series, or side by side (`stacked=False`)."""
    if stacked:
        sums = [sum(_number(vs[i]) for _n, vs in series) for i in range(len(labels))]
    else:
        sums = [_number(v) for _n, vs in series for v in vs]
    top = 1.0 if percent else _nice_max(max(sums, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    parts = _frame(chart_id, title, summary, top, labels, _fmt(percent))
    names, marks = _escaped(name for name, _vs in series), _escaped(labels)
    fmt = _fmt(percent)
    width = band * 0.7 if stacked else band * 0.8 / max(1, len(series))
    for position in range(len(labels)):
        base = TOP + plot_h
        for index, (_name, vs) in enumerate(series):
            value = _number(vs[position])
            if not value:
                continue
            height = plot_h * value / top
            if stacked:
                x, y = LEFT + band * position + band * 0.15, base - height
                base -= height
            else:
                x, y = LEFT + band * position + band * 0.1 + width * index, TOP + plot_h - height
            parts.append(
                f'<rect class="chart-bar s{index}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}"><title>{names[index]}, {marks[position]}: '
                f"{conditional_escape(fmt(value))}</title></rect>"
            )
    return _svg(chart_id, parts)


def legend_html(names: list[str]) -> SafeString:
    return format_html_join(
        "",
        '<li><span class="swatch s{}" aria-hidden="true"></span>{}</li>',
        ((index, name) for index, name in enumerate(names)),
    )
