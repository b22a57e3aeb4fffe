"""Identity of feed items and articles: canonical URLs and item keys.

An item is known by its GUID first, then its canonical URL, then a hash of its normalised
text. Each step exists because the one before can be missing: listings and sitemaps have no
GUIDs, some feeds give neither GUID nor a stable link. The normalisation makes an edited or
re-dated entry (whitespace, quotes, case, ё/е, a new timestamp) keep its identity.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_URL_SCHEMES = ("http://", "https://")
_TAG = re.compile(r"<[^>]+>")
# Timestamps and numeric dates are what a re-dated entry changes; they say nothing about
# which article it is.
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_NUMERIC_DATE = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}(?:t[\d:.+z-]*)?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})\b"
)
_NOT_WORD = re.compile(r"[\W_]+")


def canonical_url(url: str) -> str:
    """The URL an article is stored under: lower-case scheme and host, no default port, no
    fragment, no tracking parameters (utm_*, fbclid, gclid, ...), meaningful query kept and
    sorted so parameter order does not make two URLs of one article."""
    url = (url or "").strip()
    if not url.lower().startswith(_URL_SCHEMES):
        return url
    try:
        normalised = normalize_url(url)
    except ValueError:
        return url
    parts = urlsplit(normalised)
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def content_hash(text: str) -> str:
    """SHA-256 of the text after normalisation: markup, entities, case, ё/е, Unicode forms,
    punctuation, timestamps and numeric dates do not change the hash; words do."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def normalise_text(text: str) -> str:
    text = html.unescape(_TAG.sub(" ", text or ""))
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    text = _NUMERIC_DATE.sub(" ", _TIME.sub(" ", text))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def item_key(guid: str | None, url: str | None, text_hash: str | None) -> str | None:
    """The identity of a feed item: ``guid:…``, else ``url:…`` (canonical), else ``hash:…``.

    A GUID that is itself a URL (RSS ``isPermaLink``) is keyed as its canonical URL, so the
    same article reached through a feed and through a sitemap gets one key. Other GUIDs are
    only unique within their source: the caller scopes them by source. None when the item
    carries nothing to know it by.
    """
    guid = (guid or "").strip()
    if guid and not guid.lower().startswith(_URL_SCHEMES):
        return f"guid:{guid}"
    link = guid or (url or "").strip()
    if link:
        return f"url:{canonical_url(link)}"
    if text_hash:
        return f"hash:{text_hash}"
    return None
