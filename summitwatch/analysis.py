"""One-off analysis through the real stages: ``extract`` on a file, ``eval`` on a gold set.

``eval`` runs the same stage runners as the live pipeline (clean if HTML, extract, resolve,
persist) on a private SQLite database, so its numbers are the product's numbers.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import select

from storage.db import session_scope
from storage.models import Alert, Article, EventMentionRow, Source, as_utc
from workers.clean import NotAnArticle, clean, text_document
from workers.extract import extract, lexicon


def looks_like_html(content: str) -> bool:
    head = content.lstrip()[:500].lower()
    return head.startswith("<") and ("<html" in head or "<!doctype" in head or "<body" in head or "<div" in head)


def _registry_source(key: str | None) -> dict[str, Any]:
    if not key:
        return {}
    from schedules.registry import load_registry

    for spec in load_registry():
        if spec.key == key:
            return {"timezone": spec.timezone, "role": spec.role, "country": spec.country}
    return {}


def extract_file(path: Path, *, url: str | None, published_at: datetime | None, source_key: str | None,
                 timezone: str | None) -> list[dict[str, Any]]:
    content = path.read_text(encoding="utf-8", errors="replace")
    known = _registry_source(source_key)
    zone = timezone or known.get("timezone", "UTC")
    role = known.get("role", "press")
    country = known.get("country")
    url = url or path.resolve().as_uri()
    if looks_like_html(content):
        try:
            doc = clean(content, url, timezone=zone, published_at=published_at, source_key=source_key,
                        source_role=role, source_country=country)
        except NotAnArticle:
            return []
    else:
        doc = text_document(content, url, timezone=zone, published_at=published_at, source_key=source_key,
                            source_role=role, source_country=country)
    return [_with_names(mention.to_json()) for mention in extract(doc)]


def _with_names(data: dict[str, Any]) -> dict[str, Any]:
    data["names"] = {
        "format": lexicon.display_name("format", data["format"]) if data["format"] else None,
        "city": lexicon.display_name("city", data["city"]) if data["city"] else None,
        "country": lexicon.display_name("country", data["country"]) if data["country"] else None,
        "participants": [lexicon.display_name("person", p) or p for p in data["participants"]],
    }
    return data


def run_eval(docs_path: Path, gold_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from summitwatch.settings import get_settings
    from workers.evaluate import load_jsonl, score
    from workers.pipeline import process_article
    from workers.runtime import build_runtime

    docs = load_jsonl(docs_path)
    gold = load_jsonl(gold_path)
    with tempfile.TemporaryDirectory(prefix="summitwatch-eval-") as tmp:
        settings = get_settings().model_copy(update={"database_url": f"sqlite:///{tmp}/eval.db"})
        rt = build_runtime(settings)
        try:
            article_of = _load_documents(rt, docs)
            for doc_id in _publication_order(docs):
                process_article(rt, article_of[doc_id])
            predictions = _predictions(rt, docs, article_of)
            with session_scope(rt.engine) as session:
                alerted = [a.event_id for a in session.scalars(select(Alert).where(Alert.kind == "new_event"))]
        finally:
            rt.close()
    return score(_canonical_formats(gold), _canonical_formats(predictions), alerts=alerted), predictions


def _canonical_formats(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Format names compared by what they name: "OTS" is the Organization of Turkic States,
    and a Supreme Interstate Council's two countries may come in either order."""
    return [
        {**row, "events": [{**event, "format": lexicon.canonical_format_name(event.get("format"))}
                           for event in row.get("events", [])]}
        for row in rows
    ]


def _publication_order(docs: list[dict[str, Any]]) -> list[str]:
    def key(item: tuple[int, dict[str, Any]]):
        index, doc = item
        moment = _parse_time(doc.get("published_at"))
        return (moment is None, moment or datetime.min.replace(tzinfo=timezone.utc), index)

    return [doc["id"] for _, doc in sorted(enumerate(docs), key=key)]


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _load_documents(rt, docs: list[dict[str, Any]]) -> dict[str, int]:
    article_of: dict[str, int] = {}
    with session_scope(rt.engine) as session:
        sources: dict[str, Source] = {}
        for doc in docs:
            source = sources.get(_source_key(doc))
            if source is None:
                source = sources[_source_key(doc)] = _eval_source(session, doc)
            html = doc.get("html")
            article = Article(
                source_id=source.id,
                url=doc.get("url") or f"eval:{doc['id']}",
                canonical_url=f"eval:{doc['id']}",
                title=doc.get("title"),
                published_at=as_utc(_parse_time(doc.get("published_at"))),
                html=html,
                clean_text=None if html else doc.get("text", ""),
                state="fetched",
            )
            session.add(article)
            session.flush()
            article_of[doc["id"]] = article.id
    return article_of


def _source_key(doc: dict[str, Any]) -> str:
    return doc.get("source") or (urlsplit(doc.get("url") or "").hostname or "eval")


def _eval_source(session, doc: dict[str, Any]) -> Source:
    key = _source_key(doc)
    known = _registry_source(key)
    zone = known.get("timezone") or _zone_of(doc.get("published_at"))
    source = Source(key=key, name=key, kind="rss", url=doc.get("url") or key, host=key,
                    role=known.get("role") or _role_of(key), timezone=zone, country=known.get("country"))
    session.add(source)
    session.flush()
    return source


def _zone_of(published_at: str | None) -> str:
    """Gold documents carry an offset, not a zone: pick the Central Asian zone it names."""
    moment = _parse_time(published_at)
    if moment is None or moment.utcoffset() is None:
        return "UTC"
    hours = moment.utcoffset().total_seconds() / 3600
    return {5.0: "Asia/Tashkent", 6.0: "Asia/Bishkek", 3.0: "Europe/Moscow"}.get(hours, "UTC")


def _role_of(key: str) -> str:
    official = ("akorda", "president.uz", "gov.kz", "mfa", "prezident")
    return "official" if any(marker in key for marker in official) else "press"


def _predictions(rt, docs: list[dict[str, Any]], article_of: dict[str, int]) -> list[dict[str, Any]]:
    from storage.queries import live_event

    predictions = []
    with session_scope(rt.engine) as session:
        for doc in docs:
            rows = session.scalars(select(EventMentionRow).where(EventMentionRow.article_id == article_of[doc["id"]])).all()
            events: dict[int, dict[str, Any]] = {}
            for row in rows:
                event = live_event(session, row.event_id) if row.event_id else None
                if event is None:
                    continue
                entry = events.get(event.id)
                if entry is None or (entry["role"] != "reported" and row.role == "reported"):
                    events[event.id] = entry = _predicted(event, row.role)
                # Participants are those this document names; every other field is the
                # event's one record.
                named = [lexicon.display_name("person", p) or p for p in row.participants]
                entry["participants"] = list(dict.fromkeys([*entry["participants"], *named]))
            predictions.append({"id": doc["id"], "events": list(events.values())})
    return predictions


def _predicted(event, role: str) -> dict[str, Any]:
    name = lexicon.display_name
    return {
        "event_id": event.id,
        "role": role,
        "type": event.type,
        "format": name("format", event.format) if event.format else None,
        "ordinal": event.ordinal,
        "city": name("city", event.city) if event.city else None,
        "country": name("country", event.country) if event.country else None,
        "date_start": event.date_start.isoformat() if event.date_start else None,
        "date_end": event.date_end.isoformat() if event.date_end else None,
        "status": event.status,
        "participants": [],
    }
