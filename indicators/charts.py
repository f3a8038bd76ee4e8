"""Small server-side SVG charts: the same markup goes into the dashboard and the annual report.

No JavaScript and no external asset. Each chart has a <title> and <desc>; the page puts the
figures in a table beside it (the accessible reading of the chart).
"""

import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

BLUE = "#000091"  # DSFR bleu France
RED = "#c9191e"  # DSFR rouge Marianne
GREY = "#666666"
PALETTE = [BLUE, "#009081", "#c3992a", RED, "#8585f6"]
FONT = "Marianne, Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # numbers or None (no point)
    color: str = BLUE
    dashed: bool = False


def _ticks(value):
    """Axis ticks at a round step (1, 2, 5 × 10^n, at least 1 since figures are counts)."""
    if value <= 0:
        return [0, 1]
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))
    return [step * i for i in range(math.ceil(value / step) + 1)]


def _nice_max(value):
    return _ticks(value)[-1]


def _svg(width, height, title, body):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _grid(left, top, width, height, top_value):
    lines = []
    for value in _ticks(top_value):
        y = top + height - height * value / top_value
        lines.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#ddd"/>')
        lines.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{GREY}">{value:g}</text>')
    return lines


def hbar_chart(title, items, *, color=BLUE, width=640):
    """Horizontal bars, one per (label, value): the funnel of the procedure."""
    row, left, right = 34, 250, 60
    height = row * len(items) + 10
    top_value = _nice_max(max([v or 0 for _, v in items] + [0]))
    body = []
    for index, (label, value) in enumerate(items):
        y = 5 + index * row
        length = (width - left - right) * (value or 0) / top_value
        body.append(f'<text x="{left - 8}" y="{y + 20}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect x="{left}" y="{y + 6}" width="{length:.1f}" height="{row - 12}" fill="{color}"/>')
        body.append(f'<text x="{left + length + 6:.1f}" y="{y + 20}" font-weight="bold">{value or 0}</text>')
    return _svg(width, height, title, body)


def bar_line_chart(title, labels, bars=(), lines=(), *, width=640, height=280):
    """Vertical bars (grouped) and lines over the same categories, with a legend below."""
    left, top, right, bottom = 44, 12, 12, 76
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in [*bars, *lines] for v in s.values if v is not None]
    top_value = _nice_max(max(values + [0]))
    step = plot_w / max(len(labels), 1)
    body = _grid(left, top, plot_w, plot_h, top_value)

    def y_of(value):
        return top + plot_h - plot_h * value / top_value

    bar_w = step * 0.7 / max(len(bars), 1)
    for b, series in enumerate(bars):
        for i, value in enumerate(series.values):
            if value is None:
                continue
            x = left + step * i + step * 0.15 + bar_w * b
            body.append(
                f'<rect x="{x:.1f}" y="{y_of(value):.1f}" width="{bar_w:.1f}" '
                f'height="{plot_h * value / top_value:.1f}" fill="{series.color}"/>'
            )
    for series in lines:
        points = [
            f"{left + step * (i + 0.5):.1f},{y_of(v):.1f}"
            for i, v in enumerate(series.values)
            if v is not None
        ]
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" '
            f'stroke="{series.color}" stroke-width="2.5"{dash}/>'
        )
        for point in points:
            x, y = point.split(",")
            body.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{series.color}"/>')
    for i, label in enumerate(labels):
        x = left + step * (i + 0.5)
        body.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(str(label))}</text>'
        )
    body.extend(_legend([*bars, *lines], left, top + plot_h + 38, width))
    return _svg(width, height, title, body)


def _legend(series_list, left, y, width):
    """One key per series, wrapping to a second line when the first is full."""
    items, x = [], left
    for series in series_list:
        needed = 36 + 7 * len(series.name)
        if x > left and x + needed > width:
            x, y = left, y + 18
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        items.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" '
            f'stroke="{series.color}" stroke-width="4"{dash}/>'
        )
        items.append(f'<text x="{x + 28}" y="{y}">{escape(series.name)}</text>')
        x += needed + 12
    return items
