"""The extraction stage: a cleaned article in, its event mentions out.

``extract(doc)`` is pure and deterministic: the same text, publication time and source give
the same mentions, each stamped with ``EXTRACTOR_VERSION`` so that rows made by an older
version can be found and re-extracted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from workers.extract.language import detect_language, paragraph_languages
from workers.records import CleanDoc, EventMention

EXTRACTOR_VERSION = "rules-2"

__all__ = [
    "EXTRACTOR_VERSION",
    "detect_language",
    "extract",
    "extract_json",
    "forget_texts",
    "paragraph_languages",
    "source_country",
]

# Country-code top-level domains of the sources' countries: whose "head of state" an
# article's "Мемлекет басшысы" or "Глава государства" is.
_TLD_COUNTRIES = {
    "kz": "KZ",
    "uz": "UZ",
    "kg": "KG",
    "tj": "TJ",
    "tm": "TM",
    "ru": "RU",
    "az": "AZ",
    "by": "BY",
    "cn": "CN",
    "tr": "TR",
    "mn": "MN",
    "af": "AF",
    "pk": "PK",
    "ir": "IR",
}
_LANGUAGE_COUNTRIES = {"kk": "KZ", "uz": "UZ", "ky": "KG", "tg": "TJ", "tk": "TM"}


def source_country(doc: CleanDoc, language: str | None) -> str | None:
    """The country an article speaks from: the source's declared country, its site's country
    domain, else its language."""
    # Declared on the source in the registry; older records may not carry it.
    declared = getattr(doc, "source_country", None)
    if declared:
        return declared
    host = urlsplit(doc.url).hostname or ""
    country = _TLD_COUNTRIES.get(host.rsplit(".", 1)[-1])
    return country or _LANGUAGE_COUNTRIES.get(language or "")


def local_day(moment: datetime | None, timezone: str) -> date | None:
    if moment is None:
        return None
    zone = ZoneInfo(timezone or "UTC")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone).date()


def extract(doc: CleanDoc) -> list[EventMention]:
    """The article's own event (role "reported") and events it names in passing."""
    from workers.extract.pipeline import extract_mentions

    return extract_mentions(doc, EXTRACTOR_VERSION)


def forget_texts() -> None:
    """Empty the caches keyed by a text (an article, a paragraph, a sentence), keeping those
    keyed by a word or by the vocabulary: the state a worker that has read other articles
    brings to a new one. The speed benchmark starts every run from it."""
    from workers.extract import dates, language
    from workers.extract._grammar import text

    for cached in (language.detect_language, language._langid, dates._scan, text.sentence_bounds):
        cached.cache_clear()


def extract_json(doc: CleanDoc) -> dict[str, Any]:
    """What ``summitwatch extract --json`` prints: the mentions with ids and English names."""
    from workers.extract.lexicon import load_lexicon

    lexicon = load_lexicon()
    language, script = detect_language(doc.text)
    mentions = []
    for mention in extract(doc):
        data = mention.to_json()
        data["names"] = {
            "format": lexicon.display_name("format", mention.format) if mention.format else None,
            "city": lexicon.display_name("city", mention.city) if mention.city else None,
            "country": lexicon.display_name("country", mention.country)
            if mention.country
            else None,
            "participants": [lexicon.display_name("person", p) for p in mention.participants],
        }
        mentions.append(data)
    return {
        "url": doc.url,
        "language": language,
        "script": script,
        "extractor_version": EXTRACTOR_VERSION,
        "mentions": mentions,
    }
