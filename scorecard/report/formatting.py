"""Numbers, changes and colours as the report's page shows them (halves round up: 37.5 shows as 38)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

from matplotlib import colormaps

from scorecard.survey.bank import Bank, Level

MINUS = "\N{MINUS SIGN}"  # a real minus: as wide as the plus, and not a hyphen to a screen reader
NO_VALUE = "\N{EN DASH}"
NO_SCORE_COLOURS = ("#f1f2f4", "#6b717b")
"""Background and text colours of a cell with no score."""

_HEAT = colormaps["RdYlBu"]


def rounded(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, halves rounded up (37.5 -> 38)."""
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def score_text(value: float | None, bank: Bank) -> str:
    """A score as the bank writes it (its decimals, halves up), or an en dash for none."""
    return bank.format_score(value, missing=NO_VALUE)


def format_delta(value: float | None, digits: int) -> tuple[str, str]:
    """Text and CSS class of a change: "▲ +5", "▼ \N{MINUS SIGN}3", "= 0" ("" with nothing to compare)."""
    if value is None or math.isnan(value):
        return "", "none"
    number = rounded(abs(value), digits)
    if Decimal(number) == 0:
        return "= 0", "flat"
    return (f"▲ +{number}", "up") if value > 0 else (f"▼ {MINUS}{number}", "down")


def gain_text(gain: float, bank: Bank) -> str:
    """What answering a question better adds to the score: one decimal finer than a score."""
    return f"+{gain:.{bank.score_decimals + 1}f}"


def points_to_go(points: float | None) -> str:
    if points is None:
        return NO_VALUE
    return "less than 0.1" if points < 0.05 else rounded(points, 1)


def moment_text(moment: str | None) -> str | None:
    """An ISO timestamp as a reader wants it: ``2026-09-20 10:00 UTC``."""
    if not moment:
        return None
    try:
        return datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return moment


def heat_colours(score: float | None, scale: float) -> tuple[str, str]:
    """Background and text colours of a heat map cell: red (debt) to blue (healthy), text that stays legible."""
    if score is None or math.isnan(score):
        return NO_SCORE_COLOURS
    red, green, blue, _alpha = _HEAT(0.08 + 0.84 * max(0.0, min(score / scale, 1.0)))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    background = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
    return background, "#ffffff" if luminance < 0.45 else "#1d2026"


def level_colours(bank: Bank, level: Level | None) -> tuple[str, str]:
    """A level's chip colours: the heat map's colour at the level's place among the bank's levels."""
    if level is None:
        return NO_SCORE_COLOURS
    return heat_colours(bank.levels.index(level) / max(len(bank.levels) - 1, 1), 1.0)


def web_link(link: str | None) -> str | None:
    """``link`` when a browser may follow it (an ``http`` or ``https`` address with a host), else None: the page
    shows anything else (a path, a ticket id, a ``javascript:`` address) as text, never as a link."""
    if not link:
        return None
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    return link.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def spread_text(spread: float | None) -> str:
    """A spread of answers' points (0 to 1) with two decimals, or an en dash for none."""
    return NO_VALUE if spread is None or math.isnan(spread) else f"{spread:.2f}"


def spread_colours(spread: float | None) -> tuple[str, str]:
    """Background and text colours of a disagreement cell: from faint (agreement) to strong purple (a spread
    of a whole point); the text stays dark, which reads on every shade."""
    if spread is None or math.isnan(spread):
        return NO_SCORE_COLOURS
    alpha = 0.08 + 0.8 * max(0.0, min(spread, 1.0))
    return f"rgba(204, 121, 167, {alpha:.2f})", "#1d2026"
