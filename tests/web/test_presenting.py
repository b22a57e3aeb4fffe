"""The pure parts of the dashboard: sentences around spans, figures, grouping, text search."""

from __future__ import annotations

import pytest

from web.eventpage import claims_by_measure, coverage_by_language, timeline
from web.evidence import evidence_rows, quote, sentence_bounds
from web.filters import contains_words, word_keys
from web.formatting import ago, figure, number, when

TEXT = ("Президенты встретились в г. Ташкенте 15 ноября. Объём торговли достиг $1.3 млрд! "
        "«Это исторический день», — сказал он.\nЗаголовок без точки\nПоследнее предложение")

SENTENCES = {
    "an abbreviation keeps its dot": ("Ташкенте", "Президенты встретились в г. Ташкенте 15 ноября."),
    "a decimal point keeps its dot": ("1.3", "Объём торговли достиг $1.3 млрд!"),
    "a quotation closes a sentence": ("исторический", "«Это исторический день», — сказал он."),
    "a line break ends a line without a stop": ("без", "Заголовок без точки"),
    "the end of the text ends the last one": ("Последнее", "Последнее предложение"),
}


@pytest.mark.parametrize("phrase,sentence", SENTENCES.values(), ids=SENTENCES.keys())
def test_sentence_around_a_span(phrase, sentence):
    start = TEXT.index(phrase)
    begin, end = sentence_bounds(TEXT, start, start + len(phrase))
    assert TEXT[begin:end] == sentence


def test_quote_marks_the_span_inside_its_sentence():
    start = TEXT.index("Ташкенте")
    found = quote(TEXT, {"start": start, "end": start + 8, "text": "Ташкенте"})
    assert found["sentence"][found["mark_start"]:found["mark_end"]] == "Ташкенте"


def test_quote_finds_the_words_when_the_offsets_are_stale():
    found = quote(TEXT, {"start": 0, "end": 3, "text": "млрд"})
    assert found["sentence"] == "Объём торговли достиг $1.3 млрд!"
    assert found["sentence"][found["mark_start"]:found["mark_end"]] == "млрд"


def test_quote_falls_back_to_the_span_text_when_it_is_gone():
    assert quote("другой текст", {"start": 0, "end": 5, "text": "Астана"})["sentence"] == "Астана"


def test_evidence_rows_follow_the_page_and_keep_unknown_keys():
    item = {"article_id": 1, "start": 10, "mark_start": 0}
    rows = evidence_rows({"country": [item], "city": [item], "participants": [item], "venue": [item]})
    assert [(r["row"], len(r["items"])) for r in rows] == [("place", 1), ("participants", 1), ("venue", 1)]


FIGURES = {
    "money with a qualifier": ({"value": 8e9, "unit": "USD", "currency": "USD", "qualifier": "more_than"},
                               "more than $8 bn"),
    "money with a count": ({"value": 1.2e9, "unit": "USD", "currency": "USD", "count": 7}, "7, worth $1.2 bn"),
    "a target year": ({"value": 1e10, "unit": "USD", "currency": "USD", "target_year": 2030}, "$10 bn by 2030"),
    "a currency without a sign": ({"value": 5e8, "unit": "KZT", "currency": "KZT"}, "500 mn KZT"),
    "a plain count": ({"value": 15000, "unit": "count", "qualifier": "more_than"}, "more than 15,000"),
    "tonnes": ({"value": 22e6, "unit": "tonnes"}, "22 mn tonnes"),
    "a percentage": ({"value": 15, "unit": "percent", "qualifier": "more_than"}, "more than 15 %"),
}


@pytest.mark.parametrize("claim,said", FIGURES.values(), ids=FIGURES.keys())
def test_figures_read_as_people_say_them(claim, said):
    assert figure(claim) == said


@pytest.mark.parametrize("value,said", [(1.7e9, "1.7 bn"), (78, "78"), (2.5, "2.5"), (3e6, "3 mn")])
def test_numbers(value, said):
    assert number(value) == said


@pytest.mark.parametrize("moment,said", [("2025-11-15T06:45:10+00:00", "2025-11-15 06:45 UTC"),
                                         ("2025-11-15", "2025-11-15"), (None, "—")])
def test_moments(moment, said):
    assert when(moment) == said


@pytest.mark.parametrize("seconds,said", [(None, "never"), (42, "42 s ago"), (7200, "2 h ago"), (3 * 86400, "3 d ago")])
def test_ages(seconds, said):
    assert ago(seconds) == said


def test_coverage_grouped_by_language_then_outlet():
    coverage = [
        {"language": "kk", "source_name": "Akorda", "url": "a"},
        {"language": "ru", "source_name": "prosud.kz", "url": "b"},
        {"language": "ru", "source_name": "Kazpravda", "url": "c"},
        {"language": "uz-Cyrl", "source_name": "UzDaily", "url": "d"},
    ]
    groups = coverage_by_language(coverage)
    assert [(g["language"], g["count"]) for g in groups] == [("ru", 2), ("kk", 1), ("uz-Cyrl", 1)]
    assert [o["name"] for o in groups[0]["outlets"]] == ["Kazpravda", "prosud.kz"]
    assert groups[2]["name"] == "Ўзбекча"


def test_timeline_orders_status_and_coverage_and_puts_undated_last():
    view = {
        "status_history": [{"status": "announced", "date": "2025-11-14", "published": "2025-11-13T09:00:00+00:00"},
                           {"status": "held", "date": "2025-11-15", "published": "2025-11-15T13:00:00+00:00"}],
        "coverage": [{"published_at": "2025-11-15T13:00:00+00:00", "source": "uzdaily"},
                     {"published_at": None, "source": "undated"},
                     {"published_at": "2025-11-14T08:00:00+00:00", "source": "akorda"}],
    }
    entries = [(e["kind"], e.get("status") or e.get("source")) for e in timeline(view)]
    assert entries == [("status", "announced"), ("coverage", "akorda"), ("status", "held"), ("coverage", "uzdaily"),
                       ("coverage", "undated")]


def test_conflicting_measures_come_first():
    claims = [{"measure": "jobs", "conflict_group": None}, {"measure": "trade", "conflict_group": None},
              {"measure": "projects_launched", "conflict_group": "g"}]
    assert [(g["measure"], g["conflict"]) for g in claims_by_measure(claims)] == [
        ("projects_launched", True), ("jobs", False), ("trade", False)]


@pytest.mark.parametrize("haystack,query,found", [
    ("State visit in Tashkent, Uzbekistan", "Ташкент", True),
    ("Тоқаев Өзбекстанда", "Tokayev", True),
    ("Mirziyoyev va Erdo‘g‘an", "Erdo'g'an", True),
    ("Тошкентда саммит", "Тошкент", True),
    ("Astana summit", "Astana talks", False),
    ("Astana", "Tashkent", False),
], ids=["Cyrillic query, Latin text", "Kazakh text, Latin query", "Uzbek apostrophes", "suffix",
        "every word must match", "no match"])
def test_text_search_across_scripts(haystack, query, found):
    assert contains_words(word_keys(haystack), word_keys(query)) is found
