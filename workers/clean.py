"""Cleaning stage: HTML page -> main text without page furniture (trafilatura)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import trafilatura
from trafilatura.metadata import examine_meta
from trafilatura.settings import Document
from trafilatura.utils import load_html

from workers.records import CleanDoc

# Pages with a body this short after cleaning are navigation or error pages, not articles.
MIN_TEXT_CHARS = 200

_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLANK_RUNS = re.compile(r"\n{3,}")


class NotAnArticle(ValueError):
    """The page has no main text trafilatura can find (an index, an error page, a stub)."""


def clean(html: str, url: str, *, timezone: str = "UTC", published_at: datetime | None = None,
          source_key: str | None = None, source_role: str = "press",
          source_country: str | None = None) -> CleanDoc:
    """Extract the article's main text, headline and page date.

    ``published_at`` from the index (feed pubDate, sitemap date) wins over the page's own
    date: pages such as Akorda's carry none, and page dates are often "today" widgets.
    """
    text, title, page_date = _main_text(html, url, wants_date=published_at is None)
    text = _tidy(text)
    if len(text) < MIN_TEXT_CHARS:
        raise NotAnArticle(f"no article text found at {url} ({len(text)} chars)")
    return CleanDoc(
        url=url,
        text=text,
        title=title,
        published_at=published_at or _page_date(page_date, timezone),
        timezone=timezone,
        source_key=source_key,
        source_role=source_role,
        source_country=source_country,
    )


def _main_text(html: str, url: str, *, wants_date: bool) -> tuple[str, str | None, str | None]:
    """The page's main text, headline and date (the date only when ``wants_date``).

    trafilatura's metadata pass (author, date, tags, licence, ...) costs a third of the
    cleaning. A page dated by its index and headed by its meta tags does not need it: the
    headline is then read from those tags, which is where that pass takes it from too.
    """
    tree = None if wants_date else load_html(html)
    headline = _meta_title(tree) if tree is not None else None
    if headline is None:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
        )
        if document is None:
            return "", None, None
        return document.text or "", document.title or None, document.date
    # The tree is copied by trafilatura before it prunes it; the meta tags were read above.
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=True)
    return (document.text or "" if document is not None else ""), headline, None


def _meta_title(tree) -> str | None:
    """The headline of the page's meta tags, trimmed as trafilatura trims its metadata."""
    title = examine_meta(tree).title
    if not title:
        return None
    trimmed = Document()
    trimmed.title = title
    trimmed.clean_and_trim()
    return trimmed.title or None


def text_document(text: str, url: str, *, timezone: str = "UTC", published_at: datetime | None = None,
                  title: str | None = None, source_key: str | None = None,
                  source_role: str = "press", source_country: str | None = None) -> CleanDoc:
    """A plain-text article (the seed files, gold documents given as text) as a CleanDoc."""
    return CleanDoc(url=url, text=_tidy(text), title=title, published_at=published_at,
                    timezone=timezone, source_key=source_key, source_role=source_role,
                    source_country=source_country)


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\xa0", " ")
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _page_date(value: str | None, timezone: str) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value)
    except ValueError:
        return None
    # A bare page date has no time: noon in the source's zone keeps it on the right day.
    return day.replace(hour=12, tzinfo=ZoneInfo(timezone)) if day.tzinfo is None else day
