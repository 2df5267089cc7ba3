"""Charts drawn on the server as inline SVG: no script, no external asset, no CDN.

Each chart is an image (`role="img"`) whose title names it; the page shows the same figures in a data table right
after it, which is what assistive technologies read (RGAA 1.3: complex image with an adjacent alternative).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cnfs.pilotage.selectors import Section

BLUE = "#000091"  # DSFR bleu France
GREY = "#666666"
LIGHT = "#dddddd"
WIDTH = 640
MONTH_ABBREVIATIONS = {
    "janvier": "janv.",
    "février": "févr.",
    "mars": "mars",
    "avril": "avr.",
    "mai": "mai",
    "juin": "juin",
    "juillet": "juil.",
    "août": "août",
    "septembre": "sept.",
    "octobre": "oct.",
    "novembre": "nov.",
    "décembre": "déc.",
}


def _number(value) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value).replace(".", ",")


def _svg(key: str, title: str, height: int, body: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="graphique-{key}-titre" focusable="false" class="cnfs-graphique">'
        f'<title id="graphique-{key}-titre">{escape(title)} (graphique ; données dans le tableau qui suit)</title>'
        f"{body}</svg>"
    )


def bar_chart(section: Section, column: int = 0) -> SafeString | None:
    """Horizontal bars, one per line of the section, labelled above the bar, value at its end."""
    lines = section.lignes
    if not lines:
        return None
    top = max((line.valeurs[column] for line in lines), default=0) or 1
    row, bar_width = 34, WIDTH - 110
    parts = []
    for i, line in enumerate(lines):
        value = line.valeurs[column]
        y = i * row
        length = max(1 if value else 0, round(bar_width * value / top))
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12" fill="#161616">{escape(line.libelle)}</text>'
            f'<rect x="0" y="{y + 16}" width="{bar_width}" height="12" fill="{LIGHT}"/>'
            f'<rect x="0" y="{y + 16}" width="{length}" height="12" fill="{BLUE}"/>'
            f'<text x="{bar_width + 8}" y="{y + 27}" font-size="12" fill="#161616">{_number(value)}</text>'
        )
    return _svg(section.key, section.titre, len(lines) * row + 4, "".join(parts))


def line_chart(section: Section, column: int = 0) -> SafeString | None:
    """A line over the months, with the y axis from zero to the highest value."""
    lines = section.lignes
    if not lines:
        return None
    height, left, right, top_margin, bottom = 240, 60, 16, 16, 40
    top = max(line.valeurs[column] for line in lines) or 1
    plot_w, plot_h = WIDTH - left - right, height - top_margin - bottom
    step = plot_w / max(len(lines) - 1, 1)

    def xy(i: int, value: int) -> tuple[float, float]:
        return left + i * step, top_margin + plot_h - plot_h * value / top

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, ln.valeurs[column]) for i, ln in enumerate(lines)))
    parts = [
        f'<line x1="{left}" y1="{top_margin + plot_h}" x2="{WIDTH - right}" y2="{top_margin + plot_h}" '
        f'stroke="{GREY}"/>',
        f'<line x1="{left}" y1="{top_margin}" x2="{left}" y2="{top_margin + plot_h}" stroke="{GREY}"/>',
        f'<text x="{left - 6}" y="{top_margin + 4}" font-size="11" text-anchor="end" fill="#161616">'
        f"{_number(top)}</text>",
        f'<text x="{left - 6}" y="{top_margin + plot_h}" font-size="11" text-anchor="end" fill="#161616">0</text>',
        f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="2"/>',
    ]
    every = max(1, len(lines) // 8)
    for i, line in enumerate(lines):
        x, y = xy(i, line.valeurs[column])
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BLUE}"/>')
        if i % every == 0:
            month, year = line.libelle.split(" ")
            parts.append(
                f'<text x="{x:.1f}" y="{height - 22}" font-size="11" text-anchor="middle" fill="#161616">'
                f"{escape(MONTH_ABBREVIATIONS.get(month, month))}</text>"
                f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#161616">{year}</text>'
            )
    return _svg(section.key, section.titre, height, "".join(parts))


def chart_for(section: Section) -> SafeString | None:
    if section.graphique == "barres":
        return bar_chart(section)
    if section.graphique == "courbe":
        return line_chart(section)
    return None
