"""The extraction steps in order: words, sentences, lexicon hits, people, frames, mentions."""

from __future__ import annotations

from dataclasses import dataclass, replace

from workers.extract import layout as layout_module
from workers.extract.claims import find_claims
from workers.extract.dates import find_dates
from workers.extract.documents import find_documents
from workers.extract.frames import Frame, Sentences, build_frames
from workers.extract.language import detect_language
from workers.extract.layout import BODY, HEADER, TITLE, Layout
from workers.extract.lexicon import load_lexicon
from workers.extract.matcher import find_hits
from workers.extract.mentions import Context, mentioned_events, reported_event
from workers.extract.normalize import words as split_words
from workers.extract.numbers import find_ordinals
from workers.extract.people import find_people
from workers.extract.topics import topics_of
from workers.records import CleanDoc, DateMention, EventMention, Span

# Header lines that may carry the article's dateline ("Сегодня, 11:45", "14.11.2025 19:48").
_DATELINE_LINES = 5


@dataclass(frozen=True)
class Analysis:
    text: str
    offset: int  # characters prepended to the article text (a headline kept apart from it)
    sentences: Sentences
    language: str
    script: str


def extract_mentions(doc: CleanDoc, version: str) -> list[EventMention]:
    from workers.extract import local_day, source_country

    text, offset = _analysis_text(doc)
    language, script = detect_language(doc.text)
    published = local_day(doc.published_at, doc.timezone)
    analysis = _analyse(
        text, offset, doc, language, script, published, source_country(doc, language)
    )
    sentences = analysis.sentences
    frames = build_frames(sentences)
    ctx = Context(
        lexicon=sentences.lexicon,
        published=published,
        dateline=_dateline(sentences),
        language=language,
        script=script,
        version=version,
    )
    mentions: list[EventMention] = []
    found = reported_event(frames, ctx)
    reported, used = found if found else (None, [])
    if reported is not None:
        reported = _with_contents(reported, used, analysis, doc)
        mentions.append(reported)
    mentions += mentioned_events(frames, used, reported, ctx)
    return [_to_article_offsets(m, offset) for m in mentions]


def _analysis_text(doc: CleanDoc) -> tuple[str, int]:
    """The text to read: the article, with its headline in front when the text lacks it."""
    title = (doc.title or "").strip()
    if not title or title in doc.text[: len(title) + 300]:
        return doc.text, 0
    prefix = title + "\n\n"
    return prefix + doc.text, len(prefix)


def _analyse(
    text: str, offset: int, doc: CleanDoc, language: str, script: str, published, country
) -> Analysis:
    lexicon = load_lexicon()
    words = split_words(text)
    raw = layout_module.split_sentences(text)
    sentence_of = layout_module.sentence_index_of_words(words, raw)
    hits = find_hits(words, sentence_of, text)
    layout = layout_module.build_layout(text, words, raw, hits, sentence_of)
    people = find_people(lexicon, words, text, hits, sentence_of, language, country, published)
    dates = find_dates(text, doc.published_at, doc.timezone or "UTC", language)
    ordinals = find_ordinals(text)
    sentences = Sentences(
        lexicon=lexicon,
        text=text,
        words=words,
        layout=layout,
        hits_by_sentence=_group(hits, lambda h: sentence_of[h.start]),
        people_by_sentence=_group(people, lambda m: m.sentence),
        dates_by_sentence=_group(dates, lambda d: _sentence_at(layout, d.span.start)),
        ordinals_by_sentence=_group(ordinals, lambda o: _sentence_at(layout, o[1].start)),
        published=published,
        language=language,
    )
    return Analysis(text, offset, sentences, language, script)


def _group(items, key) -> dict[int, list]:
    groups: dict[int, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _sentence_at(layout: Layout, offset: int) -> int:
    from bisect import bisect_right

    starts = [s.start for s in layout.sentences]
    return max(0, bisect_right(starts, offset) - 1)


def _dateline(sentences: Sentences) -> DateMention | None:
    for sentence in sentences.layout.sentences:
        if sentence.line >= _DATELINE_LINES:
            break
        if sentence.zone == HEADER and sentence.index in sentences.dates_by_sentence:
            return sentences.dates_by_sentence[sentence.index][0]
    return None


def _with_contents(
    mention: EventMention, used: list[Frame], analysis: Analysis, doc: CleanDoc
) -> EventMention:
    """Documents, figures and topics of the article's own text, attached to its own event."""
    layout = analysis.sentences.layout
    # Documents and figures are read from the article text itself (article offsets).
    sidebar = None if layout.sidebar_start is None else layout.sidebar_start - analysis.offset
    documents, count = find_documents(doc.text, analysis.language)
    claims = find_claims(doc.text, analysis.language)
    own_documents = [d for d in documents if sidebar is None or d.span.start < sidebar]
    own_claims = [c for c in claims if sidebar is None or c.span.start < sidebar]
    body = {s.index for s in layout.sentences if s.zone in (BODY, TITLE)}
    topics, first_words = topics_of(
        _all_hits(analysis),
        layout.sentence_of,
        body,
        set(layout.lead),
        analysis.sentences.lexicon.topics,
    )
    words = analysis.sentences.words
    spans = dict(mention.spans)
    topic_spans = [
        Span(words.starts[w], words.ends[w], analysis.text[words.starts[w] : words.ends[w]])
        for w in first_words.values()
    ]
    if topic_spans:
        spans["topics"] = topic_spans
    return replace(
        mention,
        documents=own_documents,
        documents_count=count,
        claims=own_claims,
        topics=topics,
        spans=spans,
    )


def _all_hits(analysis: Analysis):
    return [h for hits in analysis.sentences.hits_by_sentence.values() for h in hits]


def _shift(span: Span, offset: int) -> Span:
    return Span(span.start - offset, span.end - offset, span.text)


def _to_article_offsets(mention: EventMention, offset: int) -> EventMention:
    """Spans into the article text; evidence that only the headline gave has no span there."""
    spans = {
        field: [_shift(s, offset) for s in values if s.start >= offset]
        for field, values in mention.spans.items()
    }
    return replace(mention, spans={k: v for k, v in spans.items() if v})
