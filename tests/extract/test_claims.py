"""Figures with what they measure, in every language, and the figures the seeds state."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.extract.claims import find_claims
from workers.extract.normalize import words
from workers.records import ClaimMention

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _row(claim: ClaimMention) -> tuple:
    return (
        claim.measure,
        claim.value,
        claim.unit,
        claim.scale,
        claim.qualifier,
        claim.target_year,
        claim.count,
    )


# (name, sentence, [(measure, value, unit, scale, qualifier, target_year, count)])
CASES = [
    (
        "ru trade",
        "Товарооборот между Казахстаном и Кыргызстаном в прошлом году составил 2,1 млрд долларов.",
        [("trade", 2.1e9, "USD", "bn", None, None, None)],
    ),
    (
        "ru trade target with year",
        "Стороны намерены довести объем взаимной торговли до 5 млрд долларов к 2030 году.",
        [("trade_target", 5e9, "USD", "bn", None, 2030, None)],
    ),
    (
        "ru investment exceeded",
        "Инвестиции Китая в экономику Узбекистана превысили 14 млрд долларов.",
        [("investment", 14e9, "USD", "bn", "more_than", None, None)],
    ),
    (
        "ru money of unknown measure",
        "Подписаны контракты на сумму около 3,5 млрд евро.",
        [("other", 3.5e9, "EUR", "bn", "about", None, None)],
    ),
    (
        "ru count beside money, launched",
        "Запущены пять совместных проектов стоимостью 800 млн долларов.",
        [("projects_launched", 8e8, "USD", "mln", None, None, 5)],
    ),
    (
        "ru portfolio of projects",
        "Инвестиционный портфель включает 45 проектов на сумму 6 млрд долларов.",
        [("projects", 6e9, "USD", "bn", None, None, 45)],
    ),
    (
        "ru jobs",
        "Будет создано свыше 2 тысяч рабочих мест.",
        [("jobs", 2000, "count", "thousand", "more_than", None, None)],
    ),
    (
        "ru freight percent and tonnes",
        "Объем грузоперевозок вырос на 12% и достиг 5 млн тонн.",
        [
            ("freight", 12, "percent", None, None, None, None),
            ("freight", 5e6, "tonnes", "mln", None, None, None),
        ],
    ),
    (
        "ru enterprises",
        "В Казахстане работают более 4 тыс. компаний с китайским капиталом.",
        [("enterprises", 4000, "count", "thousand", "more_than", None, None)],
    ),
    (
        "ru intra-regional trade",
        "Внутрирегиональная торговля в Центральной Азии достигла 11 млрд долларов.",
        [("intra_regional_trade", 11e9, "USD", "bn", None, None, None)],
    ),
    (
        "ru tenge",
        "Объем инвестиций составил 150 млрд тенге.",
        [("investment", 150e9, "KZT", "bn", None, None, None)],
    ),
    (
        "ru up to",
        "Инвестиции составят до 2 млрд долларов.",
        [("investment", 2e9, "USD", "bn", "up_to", None, None)],
    ),
    (
        "kk trade exceeded",
        "Екі ел арасындағы тауар айналымы 3 миллиард доллардан асты.",
        [("trade", 3e9, "USD", "bn", "more_than", None, None)],
    ),
    (
        "kk trade target",
        "2030 жылға қарай сауда көлемін 10 миллиард долларға жеткізу көзделген.",
        [("trade_target", 1e10, "USD", "bn", None, 2030, None)],
    ),
    (
        "kk projects launched with count after",
        "Жалпы құны 500 миллион доллар болатын 12 бірлескен жоба іске қосылды.",
        [("projects_launched", 5e8, "USD", "mln", None, None, 12)],
    ),
    (
        "kk tourists",
        "Өзбекстанға былтыр 1,2 миллионнан астам қазақстандық турист барды.",
        [("tourists", 1.2e6, "people", "mln", "more_than", None, None)],
    ),
    (
        "kk US dollars",
        "Инвестиция көлемі 2 миллиард АҚШ долларын құрады.",
        [("investment", 2e9, "USD", "bn", None, None, None)],
    ),
    (
        "uz-Cyrl trade target",
        "Ўзаро савдо ҳажми 2030 йилгача 5 миллиард долларга етказилади.",
        [("trade_target", 5e9, "USD", "bn", None, 2030, None)],
    ),
    (
        "uz-Cyrl launched with ta",
        "Умумий қиймати 2 миллиард долларлик 15 та лойиҳа ишга туширилди.",
        [("projects_launched", 2e9, "USD", "bn", None, None, 15)],
    ),
    (
        "uz-Cyrl sum",
        "Лойиҳалар қиймати 500 миллиард сўмни ташкил этди.",
        [("projects", 500e9, "UZS", "bn", None, None, None)],
    ),
    (
        "uz-Latn trade",
        "Qozog'iston bilan tovar ayirboshlash 4 mlrd dollarga yetdi.",
        [("trade", 4e9, "USD", "bn", None, None, None)],
    ),
    (
        "uz-Latn trade target",
        "Savdo hajmini 2030-yilgacha 10 milliard dollarga yetkazish maqsad qilingan.",
        [("trade_target", 1e10, "USD", "bn", None, 2030, None)],
    ),
    (
        "uz-Latn jobs",
        "5 mingdan ortiq ish o‘rni yaratiladi.",
        [("jobs", 5000, "count", "thousand", "more_than", None, None)],
    ),
    (
        "en trade",
        "Bilateral trade reached $4.1 billion in 2024.",
        [("trade", 4.1e9, "USD", "bn", None, None, None)],
    ),
    (
        "en trade target",
        "The sides aim to raise trade turnover to $10 billion by 2030.",
        [("trade_target", 1e10, "USD", "bn", None, 2030, None)],
    ),
    (
        "en spelled count beside money",
        "Seven joint projects worth $1.2 billion were launched during the visit.",
        [("projects_launched", 1.2e9, "USD", "bn", None, None, 7)],
    ),
    (
        "en enterprises",
        "More than 6,000 companies with Uzbek capital operate in Kazakhstan.",
        [("enterprises", 6000, "count", None, "more_than", None, None)],
    ),
    (
        "en freight",
        "Rail freight between the two countries exceeded 22 million tonnes.",
        [("freight", 22e6, "tonnes", "mln", "more_than", None, None)],
    ),
    (
        "en tourists",
        "Kazakhstan received about three million tourists from Uzbekistan last year.",
        [("tourists", 3e6, "people", "mln", "about", None, None)],
    ),
    (
        "en industrial cooperation",
        "An industrial cooperation programme worth over $8 billion was prepared.",
        [("industrial_cooperation", 8e9, "USD", "bn", "more_than", None, None)],
    ),
]

CASES += [
    (
        "ru space-separated millions",
        "Грузооборот достиг 1 500 000 тонн.",
        [("freight", 1.5e6, "tonnes", None, None, None, None)],
    ),
    (
        "ru phone number beside a figure",
        "Телефон: 8 (7172) 74-55-11, товарооборот 5 млрд долларов.",
        [("trade", 5e9, "USD", "bn", None, None, None)],
    ),
    (
        "kk restatement in brackets keeps its own qualifier",
        "Жалпы сомасы бір жарым миллиард доллардан (1,7 млрд доллар) асатын 78 бірлескен жоба бар.",
        [
            ("projects", 1.5e9, "USD", "bn", "more_than", None, 78),
            ("projects", 1.7e9, "USD", "bn", None, None, 78),
        ],
    ),
]

NOT_CLAIMS = [
    ("phone number", "Позвоните по телефону +7 (717) 274-55-11 для справок."),
    (
        "date and a head count of leaders",
        "Саммит пройдет 15 ноября 2025 года, в нем примут участие 5 глав государств.",
    ),
    ("percent of nothing", "Рост составил 15%."),
    ("count of something outside the vocabulary", "Он поблагодарил 25 участников форума."),
    ("ordinal", "Состоялось 6-е заседание совета и VII саммит."),
    ("years", "Программа рассчитана на 2026–2027 годы и продлится до 2030 года."),
    ("clock time", "Брифинг начнется в 11:45."),
    ("kk events", "Ўзбекистоннинг раислиги даврида 20 дан ортиқ йирик тадбирлар ўтказилди."),
]


@pytest.mark.parametrize(("name", "sentence", "expected"), CASES, ids=[c[0] for c in CASES])
def test_claims(name: str, sentence: str, expected: list[tuple]) -> None:
    claims = find_claims(sentence)
    assert [_row(c) for c in claims] == [pytest.approx(e) for e in expected]
    for claim in claims:
        assert claim.span.text == sentence
        assert claim.currency == (
            claim.unit if claim.unit not in ("count", "people", "tonnes", "percent") else None
        )


@pytest.mark.parametrize(("name", "sentence"), NOT_CLAIMS, ids=[c[0] for c in NOT_CLAIMS])
def test_not_claims(name: str, sentence: str) -> None:
    assert find_claims(sentence) == []


def test_measure_and_currency_carry_over_from_the_previous_sentence() -> None:
    text = (
        "Йил бошидан буён товар айирбошлаш 4 миллиард долларга етгани қайд этилди. "
        "Бу кўрсаткични 2030 йилгача 10 миллиардга етказиш мақсад қилинган."
    )
    claims = find_claims(text)
    assert [_row(c) for c in claims] == [
        ("trade", 4e9, "USD", "bn", None, None, None),
        ("trade_target", 1e10, "USD", "bn", None, 2030, None),
    ]
    assert claims[1].span.text.startswith("Бу кўрсаткични")


def test_no_carry_over_across_paragraphs() -> None:
    text = "Товарооборот достиг 4 млрд долларов.\n\nЕго количество достигло трех миллионов человек."
    assert [c.measure for c in find_claims(text)] == ["trade"]


def test_span_offsets_point_into_the_text() -> None:
    text = "Заголовок\n\nТоварооборот вырос. Инвестиции составили 2 млрд долларов."
    [claim] = find_claims(text)
    assert text[claim.span.start : claim.span.end] == "Инвестиции составили 2 млрд долларов."


def _seed(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _seed_rows(prefix: str) -> set[tuple]:
    return {
        (c.measure, c.value, c.unit, c.qualifier, c.target_year, c.count)
        for c in find_claims(_seed(prefix))
    }


# The figures of the seed README, article by article.
SEED_FIGURES = [
    (
        "000 projects over one and a half billion",
        "000",
        ("projects", 1.5e9, "USD", "more_than", None, 78),
    ),
    ("000 projects 1.7 bn", "000", ("projects", 1.7e9, "USD", None, None, 78)),
    ("000 jobs", "000", ("jobs", 15_000, "count", "more_than", None, None)),
    ("001 trade target", "001", ("trade_target", 1e10, "USD", None, 2030, None)),
    ("001 projects", "001", ("projects", 1.7e9, "USD", None, None, 78)),
    ("001 jobs", "001", ("jobs", 15_000, "count", "more_than", None, None)),
    ("002 projects launched", "002", ("projects_launched", 1.3e9, "USD", None, None, None)),
    ("002 trade this year", "002", ("trade", 4e9, "USD", None, None, None)),
    ("002 trade target", "002", ("trade_target", 1e10, "USD", None, 2030, None)),
    (
        "002 industrial cooperation",
        "002",
        ("industrial_cooperation", 8e9, "USD", "more_than", None, None),
    ),
    ("003 trade target", "003", ("trade_target", 1e10, "USD", None, 2030, None)),
    ("003 projects", "003", ("projects", 1.7e9, "USD", "about", None, 78)),
    ("003 jobs", "003", ("jobs", 15_000, "count", "more_than", None, None)),
    ("003 projects launched", "003", ("projects_launched", 1.2e9, "USD", None, None, 7)),
    ("003 annual trade", "003", ("trade", 4e9, "USD", "more_than", None, None)),
    ("003 enterprises", "003", ("enterprises", 6000, "count", "more_than", None, None)),
    ("003 freight growth", "003", ("freight", 15, "percent", "more_than", None, None)),
    ("003 freight tonnes", "003", ("freight", 22e6, "tonnes", "more_than", None, None)),
    ("003 tourists", "003", ("tourists", 3e6, "people", None, None, None)),
    ("004 intra-regional trade", "004", ("intra_regional_trade", 11e9, "USD", None, None, None)),
    (
        "004 intra-regional trade goal",
        "004",
        ("intra_regional_trade", 15e9, "USD", None, None, None),
    ),
]


@pytest.mark.parametrize(
    ("name", "prefix", "figure"), SEED_FIGURES, ids=[c[0] for c in SEED_FIGURES]
)
def test_seed_figures(name: str, prefix: str, figure: tuple) -> None:
    assert figure in _seed_rows(prefix)


@pytest.mark.parametrize(
    ("prefix", "count"),
    [("000", 3), ("001", 3), ("003", 9), ("004", 2)],
)
def test_seed_articles_state_nothing_else(prefix: str, count: int) -> None:
    rows = [c for c in find_claims(_seed(prefix))]
    assert len(rows) == count
    assert all(c.measure != "other" for c in rows)


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("0*.txt")))
def test_claims_read_with_the_articles_words_are_those_read_without(seed: str) -> None:
    """The pipeline hands find_claims the words it has split, which narrow where figures are
    looked for; the claims must be the same as from the text alone, also when the words
    are those of a longer text the article sits in (a headline put in front of it)."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    headline = "Заголовок статьи: 3 млрд долларов\n\n"
    alone = find_claims(text, "ru")
    assert alone, "every seed states figures"

    assert find_claims(text, "ru", words=words(text)) == alone
    assert find_claims(text, "ru", words=words(headline + text), text_start=len(headline)) == alone
