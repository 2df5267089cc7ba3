"""Server-side SVG bar charts of the budget: no script, nothing fetched from elsewhere.

Each chart is drawn next to a data table that carries the same figures (the table is what assistive technologies
read; the SVG has a title and a description, and its bars are decorative).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cnfs.financement.money import euros

# DSFR palette: blue France for committed, green for paid, grey for the envelope's amount.
COLOURS = {"montant": "#e5e5e5", "engage": "#000091", "verse": "#18753c"}
LABELS = {"montant": "Montant", "engage": "Engagé", "verse": "Versé"}


@dataclass(frozen=True)
class Bar:
    label: str
    montant: int
    engage: int
    verse: int


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, width: int = 720) -> SafeString:
    """Horizontal bars, one group per envelope: the amount (grey), committed (blue) and paid (green) over it."""
    label_width, bar_height, gap, legend_height = 260, 22, 18, 34
    plot = width - label_width - 20
    top = legend_height
    height = top + len(bars) * (bar_height + gap) + 10
    scale = max([b.montant for b in bars] + [b.engage for b in bars] + [1])
    parts = []
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        for key, inset in (("montant", 0), ("engage", 4), ("verse", 8)):
            w = round(plot * getattr(bar, key) / scale, 1)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    label_width,
                    y + inset,
                    w,
                    bar_height - 2 * inset,
                    COLOURS[key],
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="#161616">{}</text>',
                label_width - 8,
                y + bar_height / 2 + 4,
                bar.label[:38],
            )
        )
        share = f"{100 * bar.engage / bar.montant:.1f} %".replace(".", ",") if bar.montant else "—"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" fill="#3a3a3a">{} engagés</text>',
                label_width + 4,
                y + bar_height + 12,
                share,
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="6" width="14" height="14" fill="{}"></rect>'
        '<text x="{}" y="18" font-size="13" fill="#161616">{}</text>',
        ((label_width + 110 * i, COLOURS[k], label_width + 110 * i + 20, LABELS[k]) for i, k in enumerate(COLOURS)),
    )
    description = " ; ".join(
        f"{b.label} : {euros(b.engage)} engagés et {euros(b.verse)} versés sur {euros(b.montant)}" for b in bars
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-titre {id}-desc" class="cnfs-chart">'
        '<title id="{id}-titre">{title}</title><desc id="{id}-desc">{desc}</desc>{legend}{bars}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        legend=legend,
        bars=SafeString("".join(parts)),
    )
