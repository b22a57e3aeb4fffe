"""Every field traceable: for each field of an event, the sentences (article, language,
source) that support it. Mentions keep character spans into ``article.clean_text``; a span
is widened to the sentence around it so a reader sees the claim in context."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Article, EventMentionRow, Source

# A sentence ends at . ! ? … (with closing quotes or brackets) before a space and a word that
# is not lower case ("г. Ташкенте" and "1.3" keep their dots), or at a line break.
_BOUNDARY = re.compile(r"[.!?…]+[\"»”’)\]]*(?=\s+(\S))|\n")
MAX_SENTENCE_CHARS = 600

# The event page's rows and the span keys that support each of them.
ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("type", "Type", ("type",)),
    ("format", "Format", ("format", "ordinal")),
    ("place", "Place", ("place", "city", "country")),
    ("dates", "Dates", ("dates", "date", "date_start", "date_end")),
    ("participants", "Participants", ("participants",)),
    ("status", "Status", ("status",)),
    ("documents", "Signed documents", ("documents", "documents_count")),
    ("topics", "Topics", ("topics",)),
)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` that holds ``text[start:end]``, as offsets."""
    window_start = max(0, start - MAX_SENTENCE_CHARS)
    begin = window_start
    for boundary in _boundaries(text, window_start, start):
        begin = boundary
    limit = min(len(text), end + MAX_SENTENCE_CHARS)
    finish = next(_boundaries(text, end, limit), limit)
    while begin < start and text[begin].isspace():
        begin += 1
    while finish > end and text[finish - 1].isspace():
        finish -= 1
    return begin, finish


def _boundaries(text: str, start: int, stop: int):
    for match in _BOUNDARY.finditer(text, start, stop):
        following = match.group(1)
        if following is None or not following.islower():
            yield match.end()


def quote(text: str | None, span: dict[str, Any]) -> dict[str, Any]:
    """The sentence around one span, with the span's place inside it for highlighting."""
    start, end, said = int(span.get("start", 0)), int(span.get("end", 0)), span.get("text") or ""
    if not text or text[start:end] != said:
        # The stored text no longer matches the offsets: show what the extractor saw.
        located = text.find(said) if text and said else -1
        if located < 0:
            return {"sentence": said, "mark_start": 0, "mark_end": len(said), "start": start, "end": end}
        start, end = located, located + len(said)
    begin, finish = sentence_bounds(text, start, end)
    return {"sentence": text[begin:finish], "mark_start": start - begin, "mark_end": end - begin,
            "start": start, "end": end}


def field_evidence(session: Session, event_id: int) -> dict[str, list[dict[str, Any]]]:
    """Span key -> supporting sentences, one per (article, sentence), in publication order."""
    rows = session.execute(
        select(EventMentionRow, Article, Source)
        .join(Article, Article.id == EventMentionRow.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(EventMentionRow.event_id == event_id)
        .order_by(Article.published_at.is_(None), Article.published_at, Article.id, EventMentionRow.id)
    )
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, int, int]] = set()
    for mention, article, source in rows:
        for key, span in _spans(mention.data or {}):
            item = quote(article.clean_text, span)
            identity = (key, article.id, item["start"] - item["mark_start"])
            if identity in seen:
                continue
            seen.add(identity)
            evidence[key].append({
                **item,
                "article_id": article.id,
                "url": article.url,
                "source": source.key,
                "source_name": source.name or source.key,
                "language": article.language,
                "role": mention.role,
            })
    return dict(evidence)


def _spans(data: dict[str, Any]):
    for key, spans in (data.get("spans") or {}).items():
        for span in spans or ():
            yield key, span
    for document in data.get("documents") or ():
        if document.get("span"):
            yield "documents", document["span"]


def evidence_rows(evidence: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The evidence grouped under the event page's rows; span keys no row names come last."""
    rows, used = [], set()
    for row, label, keys in ROWS:
        items = [item for key in keys for item in evidence.get(key, ())]
        used.update(keys)
        if items:
            rows.append({"row": row, "label": label, "items": _unique(items)})
    for key in sorted(set(evidence) - used):
        rows.append({"row": key, "label": key.replace("_", " ").capitalize(), "items": evidence[key]})
    return rows


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, kept = set(), []
    for item in items:
        identity = (item["article_id"], item["start"] - item["mark_start"])
        if identity not in seen:
            seen.add(identity)
            kept.append(item)
    return kept
