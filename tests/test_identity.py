"""Canonical URLs, content hashes and item keys."""

from __future__ import annotations

import pytest

from workers.identity import canonical_url, content_hash, item_key, normalise_text


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        (
            "scheme and host case, default port, fragment, trackers",
            "HTTPS://WWW.Akorda.KZ:443/ru/news?id=5&utm_source=tg&fbclid=abc#comments",
            "https://www.akorda.kz/ru/news?id=5",
        ),
        (
            "http default port",
            "http://Kun.uz:80/ru/news/2024/11/14/summit",
            "http://kun.uz/ru/news/2024/11/14/summit",
        ),
        (
            "non-default port kept",
            "http://127.0.0.1:8765/feed.xml",
            "http://127.0.0.1:8765/feed.xml",
        ),
        (
            "meaningful query kept and sorted",
            "https://mfa.uz/news?page=2&id=77",
            "https://mfa.uz/news?id=77&page=2",
        ),
        (
            "all utm parameters stripped",
            "https://24.kg/x/?utm_medium=rss&utm_campaign=a&utm_content=b",
            "https://24.kg/x/",
        ),
        (
            "gclid and yclid stripped",
            "https://tengrinews.kz/a?gclid=1&yclid=2",
            "https://tengrinews.kz/a",
        ),
        ("empty path becomes slash", "https://inform.kz", "https://inform.kz/"),
        (
            "html entity in query",
            "https://akorda.kz/ru/a?id=7&amp;lang=ru",
            "https://akorda.kz/ru/a?id=7&lang=ru",
        ),
        (
            "surrounding whitespace",
            "  https://gazeta.uz/ru/2024/11/14/talks/  ",
            "https://gazeta.uz/ru/2024/11/14/talks/",
        ),
        ("not a web URL is left alone", "mailto:press@akorda.kz", "mailto:press@akorda.kz"),
        ("empty", "", ""),
    ],
)
def test_canonical_url(name: str, url: str, expected: str) -> None:
    assert canonical_url(url) == expected, name


def test_canonical_url_is_idempotent() -> None:
    url = "HTTPS://Kun.UZ/ru/news?b=2&a=1&utm_source=x#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        (
            "whitespace and markup",
            "Токаев  встретился\nс Мирзиёевым",
            "<p>Токаев встретился с <b>Мирзиёевым</b></p>",
        ),
        ("case and ё", "ТОКАЕВ ВСТРЕТИЛСЯ С МИРЗИЁЕВЫМ", "токаев встретился с мирзиеевым"),
        ("quotes and dashes", "Саммит «ЦА – Китай» прошёл", 'Саммит "ЦА - Китай" прошел'),
        (
            "re-dated with a timestamp",
            "14.11.2024 09:15 Президенты подписали договор",
            "15.11.2024 10:40 Президенты подписали договор",
        ),
        (
            "iso date",
            "2024-11-14T09:15:00+05:00 Президенты подписали договор",
            "Президенты подписали договор",
        ),
        ("entities", "Tokayev &amp; Mirziyoyev", "Tokayev & Mirziyoyev"),
        ("compatibility forms", "Oʻzbekiston ﬁnance", "Oʻzbekiston finance"),
    ],
)
def test_content_hash_survives_edits_that_do_not_change_the_item(
    name: str, first: str, second: str
) -> None:
    assert content_hash(first) == content_hash(second), name


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        ("different words", "Токаев встретился с Мирзиёевым", "Токаев встретился с Жапаровым"),
        ("different figures", "Подписано 12 документов", "Подписано 21 документ"),
        ("kazakh vs russian", "Президент сапары", "Визит президента"),
    ],
)
def test_content_hash_tells_different_items_apart(name: str, first: str, second: str) -> None:
    assert content_hash(first) != content_hash(second), name


def test_normalise_text() -> None:
    assert normalise_text("  <i>Ёлка</i>,  12:30 — «Астана»! ") == "елка астана"


@pytest.mark.parametrize(
    ("name", "guid", "url", "text_hash", "expected"),
    [
        (
            "guid wins",
            "urn:akorda:12345",
            "https://akorda.kz/ru/a?utm_source=x",
            "h1",
            "guid:urn:akorda:12345",
        ),
        (
            "url guid is keyed as its canonical url",
            "https://Kun.uz/news/1?utm_source=rss",
            None,
            None,
            "url:https://kun.uz/news/1",
        ),
        (
            "no guid: canonical url",
            None,
            "https://Kun.uz/news/1#top",
            "h1",
            "url:https://kun.uz/news/1",
        ),
        (
            "blank guid: canonical url",
            "   ",
            "https://kun.uz/news/1",
            None,
            "url:https://kun.uz/news/1",
        ),
        ("neither: content hash", None, None, "abc123", "hash:abc123"),
        ("nothing to know it by", None, "", None, None),
    ],
)
def test_item_key(name, guid, url, text_hash, expected) -> None:
    assert item_key(guid, url, text_hash) == expected, name


def test_an_edited_and_redated_entry_keeps_its_key() -> None:
    original = {
        "guid": None,
        "url": "https://24.kg/ru/news/1?utm_source=rss",
        "text": "14.11.2024 Садыр Жапаров прибыл в Астану",
    }
    edited = {
        "guid": None,
        "url": "https://24.KG/ru/news/1#comments",
        "text": "15.11.2024 10:05 Садыр Жапаров прибыл в Астану.",
    }
    assert item_key(original["guid"], original["url"], content_hash(original["text"])) == item_key(
        edited["guid"], edited["url"], content_hash(edited["text"])
    )
    assert item_key(None, None, content_hash(original["text"])) == item_key(
        None, None, content_hash(edited["text"])
    )
