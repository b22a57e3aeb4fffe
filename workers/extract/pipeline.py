"""The extraction steps in order: words, sentences, lexicon hits, people, frames, mentions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workers.extract import layout as layout_module
from workers.extract.claims import find_claims
from workers.extract.dates import find_dates
from workers.extract.documents import find_documents
from workers.extract.frames import Sentences, build_frames
from workers.extract.language import detect_language
from workers.extract.layout import BODY, HEADER, TITLE, Layout
from workers.extract.lexicon import load_lexicon
from workers.extract.matcher import find_hits
from workers.extract.mentions import (
    Context,
    mentioned_events,
    reported_event,
    separate_calls,
    sideline_events,
)
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
    country: str | None  # the source's country


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
        reported = _with_contents(reported, analysis, doc)
        mentions += separate_calls(reported, sentences.lexicon, analysis.country)
    mentions += sideline_events(frames, used, reported, ctx)
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
    reader = _SentenceReader(text, layout, doc.published_at, doc.timezone or "UTC", language)
    sentences = Sentences(
        lexicon=lexicon,
        text=text,
        words=words,
        layout=layout,
        hits=hits,
        people=people,
        dates_of=reader.dates_of,
        ordinals_of=reader.ordinals_of,
        published=published,
        language=language,
        country=country,
    )
    return Analysis(text, offset, sentences, language, script, country)


class _SentenceReader:
    """The dates and ordinals of a sentence, read when asked for: only the sentences where a
    frame forms and the dateline need them (each is asked for once), so the rest of a long
    article is never scanned for them."""

    def __init__(
        self, text: str, layout: Layout, published_at: datetime | None, timezone: str, language: str
    ) -> None:
        self._text = text
        self._sentences = layout.sentences
        self._published_at = published_at
        self._timezone = timezone
        self._language = language

    def dates_of(self, index: int) -> list[DateMention]:
        start, chunk = self._chunk(index)
        dates = find_dates(chunk, self._published_at, self._timezone, self._language)
        return [_moved_date(d, start) for d in dates]

    def ordinals_of(self, index: int) -> list[tuple[int, Span]]:
        start, chunk = self._chunk(index)
        return [(n, _moved(span, start)) for n, span in find_ordinals(chunk)]

    def _chunk(self, index: int) -> tuple[int, str]:
        sentence = self._sentences[index]
        return sentence.start, self._text[sentence.start : sentence.end]


def _moved(span: Span, by: int) -> Span:
    return Span(span.start + by, span.end + by, span.text)


def _moved_date(mention: DateMention, by: int) -> DateMention:
    return replace(mention, span=_moved(mention.span, by))


def _dateline(sentences: Sentences) -> DateMention | None:
    for sentence in sentences.layout.sentences:
        if sentence.line >= _DATELINE_LINES:
            break
        if sentence.zone == HEADER and (dates := sentences.dates_of(sentence.index)):
            return dates[0]
    return None


def _with_contents(mention: EventMention, analysis: Analysis, doc: CleanDoc) -> EventMention:
    """Documents, figures and topics of the article's own text, attached to its own event."""
    layout = analysis.sentences.layout
    # Documents and figures are read from the article's own text, before any sidebar; a
    # prefix of the article keeps their offsets.
    sidebar = None if layout.sidebar_start is None else layout.sidebar_start - analysis.offset
    own_text = doc.text if sidebar is None else doc.text[:sidebar]
    own_documents, count = find_documents(own_text, analysis.language)
    # the article's words, already split, tell where figures can stand
    own_claims = find_claims(
        own_text, analysis.language, words=analysis.sentences.words, text_start=analysis.offset
    )
    body = {s.index for s in layout.sentences if s.zone in (BODY, TITLE)}
    topics, first_words = topics_of(
        analysis.sentences.hits,
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


def _shift(span: Span, offset: int) -> Span:
    return Span(span.start - offset, span.end - offset, span.text)


def _to_article_offsets(mention: EventMention, offset: int) -> EventMention:
    """Spans into the article text; evidence that only the headline gave has no span there."""
    spans = {
        field: [_shift(s, offset) for s in values if s.start >= offset]
        for field, values in mention.spans.items()
    }
    return replace(mention, spans={k: v for k, v in spans.items() if v})
