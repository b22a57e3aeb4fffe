"""Cleaning a page its index already dated skips trafilatura's metadata pass and reads the
headline from the meta tags; text and headline must be what the full pass gives, on every
page of the fixture site (each outlet's template, seeds and corpus pages)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import trafilatura

from seeds.site import FixtureSite
from workers.clean import clean

DATED = datetime(2025, 11, 15, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def pages() -> Iterator[list[tuple[str, str]]]:
    with FixtureSite(corpus_size=15) as site, httpx.Client(trust_env=False, timeout=10) as http:
        urls = [site.item_url(key) for key in site.released_keys()]
        yield [(url, http.get(url).text) for url in urls]


def full_pass(page: str, url: str):
    return trafilatura.bare_extraction(page, url=url, include_comments=False, include_tables=True,
                                       with_metadata=True,
                                       date_extraction_params={"extensive_search": False, "original_date": True})


def test_a_dated_page_is_cleaned_as_by_the_full_metadata_pass(pages: list[tuple[str, str]]) -> None:
    assert len(pages) == 20
    for url, page in pages:
        expected = full_pass(page, url)
        doc = clean(page, url, published_at=DATED)
        assert doc.title == (expected.title or None), url
        assert doc.text == clean(page, url).text, url
        assert doc.published_at == DATED


def test_an_undated_page_still_takes_its_own_date_and_headline(pages: list[tuple[str, str]]) -> None:
    for url, page in pages:
        expected = full_pass(page, url)
        doc = clean(page, url, timezone="Asia/Almaty")
        assert doc.title == (expected.title or None)
        if expected.date:
            assert doc.published_at is not None and doc.published_at.date().isoformat() == expected.date[:10]
