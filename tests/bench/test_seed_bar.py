"""The longest seed's speed comparison: both tools start each run as for a new page."""

from __future__ import annotations

import pytest
import trafilatura
from trafilatura import utils

from bench.pipeline import forget_trafilatura_texts, seed_extract_vs_trafilatura
from seeds.site import FixtureSite

PAGE = (
    "<html><body><article><h1>Саммит</h1>"
    + "<p>Президенты обсудили торговлю и транзит.\n  Стороны подписали соглашения.</p>" * 30
    + "</article></body></html>"
)


def test_forgetting_empties_the_caches_trafilatura_keys_by_text():
    trafilatura.extract(PAGE)
    assert utils.trim.cache_info().currsize > 0
    assert utils.line_processing.cache_info().currsize > 0

    forget_trafilatura_texts()

    assert utils.trim.cache_info().currsize == 0
    assert utils.line_processing.cache_info().currsize == 0


def test_the_comparison_times_the_longest_seed_and_reports_both_trafilatura_readings():
    with FixtureSite() as site:
        numbers = seed_extract_vs_trafilatura(site, runs=3)

    assert numbers["seed"] == "003"
    assert numbers["text_chars"] > 20_000
    assert numbers["runs"] == 3
    for key in ("trafilatura_ms_median", "trafilatura_warm_ms_median", "extract_ms_median"):
        assert numbers[key] > 0
    expected = numbers["extract_ms_median"] / numbers["trafilatura_ms_median"]
    assert numbers["ratio"] == pytest.approx(expected, abs=0.01)
