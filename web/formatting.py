"""How the dashboard writes figures, dates and labels. Pure functions, used as Jinja filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from workers.views import TYPE_LABELS, date_range, ordinal_en

LANGUAGE_NAMES = {
    "kk": "Қазақша",
    "ru": "Русский",
    "uz": "Oʻzbekcha",
    "uz-Cyrl": "Ўзбекча",
    "uz-Latn": "Oʻzbekcha",
    "en": "English",
    "ky": "Кыргызча",
    "tg": "Тоҷикӣ",
    "tk": "Türkmençe",
}
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
QUALIFIERS = {"more_than": "more than ", "about": "about ", "up_to": "up to ", "less_than": "less than "}
SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "mn"))
UNIT_WORDS = {"count": "", "percent": " %", "tonnes": " tonnes", "people": " people"}


def number(value: float) -> str:
    """1300000000 -> "1.3 bn"; 15000 -> "15,000"; 15.5 -> "15.5"."""
    for size, word in SCALES:
        if abs(value) >= size:
            return f"{value / size:.3g} {word}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}"


def figure(claim: dict[str, Any]) -> str:
    """A claim as a reader says it: "more than $8 bn", "seven projects, $1.2 bn", "15 %"."""
    value, unit, currency = claim.get("value"), claim.get("unit") or "", claim.get("currency")
    if value is None:
        return "?"
    currency = currency or (unit if len(unit) == 3 and unit.isupper() else None)
    if currency:
        sign = CURRENCY_SIGNS.get(currency)
        text = f"{sign}{number(value)}" if sign else f"{number(value)} {currency}"
    else:
        text = number(value) + UNIT_WORDS.get(unit, f" {unit}" if unit else "")
    text = QUALIFIERS.get(claim.get("qualifier") or "", "") + text
    if claim.get("count"):
        text = f"{claim['count']}, worth {text}" if currency else f"{text} ({claim['count']})"
    if claim.get("target_year"):
        text += f" by {claim['target_year']}"
    return text


def measure_label(measure: str) -> str:
    return measure.replace("_", " ").capitalize()


def type_label(kind: str | None) -> str:
    return TYPE_LABELS.get(kind or "", (kind or "").replace("_", " ").capitalize())


def dates(view: dict[str, Any]) -> str:
    start, end = view.get("date_start"), view.get("date_end")
    return date_range(date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None)


def when(moment: str | None) -> str:
    """An ISO timestamp as "2025-11-15 06:45 UTC"."""
    if not moment:
        return "—"
    if len(moment) == 10:
        return moment  # a day, not a moment
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return parsed.strftime("%Y-%m-%d %H:%M") + (" UTC" if parsed.utcoffset() is not None else "")


def ago(seconds: float | None) -> str:
    """Seconds as "3 h ago", "2 d ago"."""
    if seconds is None:
        return "never"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return f"{seconds:.0f} s ago"


def format_name(view: dict[str, Any]) -> str | None:
    if not view.get("format"):
        return None
    return f"{ordinal_en(view['ordinal'])} {view['format']}" if view.get("ordinal") else view["format"]


def place(view: dict[str, Any]) -> str:
    return ", ".join(x for x in (view.get("city"), view.get("country")) if x) or "—"


def language_name(code: str | None) -> str:
    """A language's own name for itself: what a reader of that language looks for."""
    return LANGUAGE_NAMES.get(code or "", code or "?")


FILTERS = {
    "language_name": language_name,
    "figure": figure,
    "measure_label": measure_label,
    "type_label": type_label,
    "dates": dates,
    "when": when,
    "ago": ago,
    "format_name": format_name,
    "place": place,
    "number": number,
}
