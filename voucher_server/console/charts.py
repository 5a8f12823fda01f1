"""Server-rendered SVG charts (no JavaScript): bars per day, bars per shop. Colours use presentation attributes so
the page's Content-Security-Policy (no inline styles) lets them through."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

SOLD_COLOUR = "#2f6fb3"
REDEEMED_COLOUR = "#2e8b57"


def _nice_max(value: int) -> int:
    """A round top for the axis (1, 2, 5 × 10^n) at or above ``value``."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def day_bars(days: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], title: str) -> Markup:
    """Grouped vertical bars: one group per day, one bar per series (label, colour, values)."""
    width, height, left, bottom, top = 720, 260, 48, 40, 28
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = _nice_max(max([1, *(v for _l, _c, vals in series for v in vals)]))
    group = plot_w / max(1, len(days))
    bar = max(1.0, min(18.0, group * 0.8 / max(1, len(series))))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{int(peak * frac)}</text>')
    for i, day in enumerate(days):
        x0 = left + i * group + (group - bar * len(series)) / 2
        for j, (label, colour, values) in enumerate(series):
            h = plot_h * values[i] / peak if values[i] > 0 else 0
            parts.append(f'<rect x="{x0 + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{escape(day)} · {escape(label)} : '
                         f'{values[i]}</title></rect>')
        if len(days) <= 16 or i % max(1, len(days) // 12) == 0:
            parts.append(f'<text x="{left + (i + 0.5) * group:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle" font-size="11">{escape(day)}</text>')
    for j, (label, colour, _values) in enumerate(series):
        parts.append(f'<rect x="{left + j * 160}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{left + j * 160 + 18}" y="16" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def shop_bars(rows: Sequence[tuple[str, int]], fmt: Callable[[int], str], title: str) -> Markup:
    """Horizontal bars: one per shop, its amount written at the end of the bar."""
    label_w, width, row_h = 200, 720, 26
    height = 10 + row_h * max(1, len(rows))
    peak = max([1, *(v for _n, v in rows)])
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (name, value) in enumerate(rows):
        y = 5 + i * row_h
        w = (width - label_w - 110) * max(0, value) / peak
        short = name if len(name) <= 28 else name[:27] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12">{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                     f'fill="{REDEEMED_COLOUR}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
