"""One event in full, as the API's ``/api/events/{id}`` and the event page show it: the event's
read model (``workers.views.event_view``) plus the sentences behind each field and a timeline."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session

from storage.models import Event
from web.evidence import field_evidence
from web.formatting import LANGUAGE_NAMES
from workers.views import event_view


def event_detail(session: Session, event: Event) -> dict[str, Any]:
    view = event_view(session, event)
    view["evidence"] = field_evidence(session, event.id)
    view["timeline"] = timeline(view)
    return view


def timeline(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Status changes and coverage in the order they happened (undated entries last)."""
    entries = [
        {"at": h.get("published") or h.get("date"), "kind": "status", "status": h.get("status"), "date": h.get("date")}
        for h in view.get("status_history") or ()
    ]
    entries += [
        {"at": c.get("published_at"), "kind": "coverage", "source": c.get("source"),
         "source_name": c.get("source_name"), "language": c.get("language"),
         "title": c.get("title"), "url": c.get("url"), "article_id": c.get("article_id")}
        for c in view.get("coverage") or ()
    ]
    return sorted(entries, key=lambda e: (e["at"] is None, e["at"] or "", e["kind"] != "status"))


def coverage_by_language(coverage: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Coverage grouped by language, then by outlet; languages with most articles first."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for item in coverage:
        grouped[item.get("language") or "und"][item.get("source_name") or item.get("source") or "?"].append(item)
    languages = sorted(grouped, key=lambda lang: (-sum(map(len, grouped[lang].values())), lang))
    return [
        {
            "language": language,
            "name": LANGUAGE_NAMES.get(language, language),
            "count": sum(map(len, grouped[language].values())),
            "outlets": [{"name": outlet, "articles": items} for outlet, items in sorted(grouped[language].items())],
        }
        for language in languages
    ]


def claims_by_measure(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures grouped by what they measure; a group with a conflict says so."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        grouped[claim["measure"]].append(claim)
    groups = [
        {"measure": measure, "claims": items, "conflict": any(c.get("conflict_group") for c in items)}
        for measure, items in grouped.items()
    ]
    return sorted(groups, key=lambda group: (not group["conflict"], group["measure"]))
