"""Ordinals and amounts in every language the extractor reads."""

from __future__ import annotations

import pytest

from workers.extract.numbers import find_amounts, find_ordinals, parse_amount, parse_ordinal

ORDINAL_CASES = [
    ("ru neuter", "второе", 2),
    ("ru genitive", "второго", 2),
    ("ru masculine", "второй", 2),
    ("ru feminine", "седьмая", 7),
    ("ru third irregular", "третьего", 3),
    ("ru compound", "двадцать пятый", 25),
    ("roman", "VI", 6),
    ("roman seven", "VII", 7),
    ("roman with Cyrillic І", "VІ", 6),
    ("roman forty", "XL", 40),
    ("kk digit -шы", "6-шы", 6),
    ("kk digit -ші", "7-ші", 7),
    ("ru digit -й", "6-й", 6),
    ("ru digit -го", "2-го", 2),
    ("kk second", "екінші", 2),
    ("kk sixth", "алтыншы", 6),
    ("kk compound", "он бірінші", 11),
    ("kk with possessive", "екіншісі", 2),
    ("uz-Cyrl second", "иккинчи", 2),
    ("uz-Cyrl seventh", "еттинчи", 7),
    ("uz-Latn second", "ikkinchi", 2),
    ("uz-Latn seventh", "yettinchi", 7),
    ("uz-Latn apostrophe", "to‘rtinchi", 4),
    ("en second", "second", 2),
    ("en 2nd", "2nd", 2),
    ("en 6th", "6th", 6),
    ("en compound", "twenty-first", 21),
]


@pytest.mark.parametrize(
    ("name", "token", "value"), ORDINAL_CASES, ids=[c[0] for c in ORDINAL_CASES]
)
def test_parse_ordinal(name: str, token: str, value: int) -> None:
    assert parse_ordinal(token) == value


@pytest.mark.parametrize(
    "token", ["", "сотрудничество", "15", "1-ГЭС", "IIII", "VV", "first-class", "бірге"]
)
def test_not_an_ordinal(token: str) -> None:
    assert parse_ordinal(token) is None


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "kk heading with roman",
            "Орталық Азия мемлекеттері басшыларының VI Консультативтік кездесуі өтті",
            [(6, "VI")],
        ),
        ("kk digit", "Орталық Азия елдері көшбасшыларының 6-шы саммиті өтті", [(6, "6-шы")]),
        ("ru word", "седьмая Консультативная встреча в Ташкенте", [(7, "седьмая")]),
        (
            "uz-Cyrl word",
            "Марказий Осиё давлатлари раҳбарларининг еттинчи Маслаҳат учрашуви",
            [(7, "еттинчи")],
        ),
        ("uz-Latn word", "Oliy davlatlararo kengashning ikkinchi yig'ilishi", [(2, "ikkinchi")]),
        ("en word and digit", "the second meeting, the 7th summit", [(2, "second"), (7, "7th")]),
        ("English pronoun I is no ordinal", "I think the summit went well", []),
        ("roman I before a Cyrillic noun", "I съезд", [(1, "I")]),
        ("designations are no ordinals", "Қамбарата 1-ГЭС", []),
        ("uz-Cyrl number and hyphen", "Тошкентда 7-Маслаҳат учрашуви бўлади", [(7, "7-")]),
        ("uz-Latn number and hyphen", "Kengashning 2-yig‘ilishi", [(2, "2-")]),
        ("a date is no ordinal", "15-noyabr kuni, 14-15 ноября", []),
        ("a count with a case ending is no ordinal", "15-тен астам жоба", []),
    ],
)
def test_find_ordinals(name: str, text: str, expected: list[tuple[int, str]]) -> None:
    found = find_ordinals(text)
    assert [(value, span.text) for value, span in found] == expected
    for _, span in found:
        assert text[span.start : span.end] == span.text


AMOUNT_CASES = [
    ("kk one and a half billion", "бір жарым миллиард", 1.5e9),
    ("ru decimal comma bn", "1,7 млрд", 1.7e9),
    ("en decimal point billion", "1.3 billion", 1.3e9),
    ("kk thousand with ablative", "15 мыңнан астам", 15_000),
    ("uz-Cyrl billion", "4 миллиард", 4e9),
    ("ru abbreviation", "10 млрд", 1e10),
    ("uz-Latn spelled", "uch million", 3e6),
    ("ru spelled genitive", "три миллиона", 3e6),
    ("ru spelled oblique", "трех миллионов человек", 3e6),
    ("en thousands separator", "more than 6,000", 6_000),
    ("ru space thousands", "15 000 человек", 15_000),
    ("ru narrow no-break space", "1\u202f500\u202f000", 1_500_000),
    ("ru comma with three decimals before scale", "1,250 млрд", 1.25e9),
    ("en comma thousands before scale", "1,250 million", 1.25e9),
    ("ru period thousands", "15.000 тонн", 15_000),
    ("en glued scale", "$1.7bn", 1.7e9),
    ("ru and a half", "два с половиной миллиарда", 2.5e9),
    ("ru полтора", "полтора миллиарда", 1.5e9),
    ("en and a half", "one and a half billion", 1.5e9),
    ("en a billion", "a billion dollars", 1e9),
    ("ru compound", "сто двадцать тысяч", 120_000),
    ("uz-Cyrl compound", "ўн беш минг", 15_000),
    ("uz-Cyrl dative", "10 миллиардга", 1e10),
    ("uz-Latn compound", "yigirma besh ming", 25_000),
    ("uz-Latn half", "bir yarim milliard", 1.5e9),
    ("uz-Cyrl half", "бир ярим миллиард", 1.5e9),
    ("kk doubled letter typo", "11 миллииард долларға", 1.1e10),
    ("kk hyphenated case ending", "15-тен астам", 15),
    ("two scales", "3 млн 200 тыс", 3_200_000),
]


@pytest.mark.parametrize(("name", "text", "value"), AMOUNT_CASES, ids=[c[0] for c in AMOUNT_CASES])
def test_parse_amount(name: str, text: str, value: float) -> None:
    assert parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "сотрудничество",
        "6-шы саммит",
        "Қамбарата 1-ГЭС",
        "7th",
        "бірге дамыту",
        "миллионы людей",
    ],
)
def test_no_amount(text: str) -> None:
    assert parse_amount(text) is None


def test_find_amounts_reports_scale_and_span() -> None:
    text = "жалпы сомасы бір жарым миллиард доллардан (1,7 млрд доллар) асатын 78 бірлескен жобамыз бар"
    found = find_amounts(text)
    assert [(a.value, a.scale, a.span.text, a.spelled) for a in found] == [
        (1.5e9, "bn", "бір жарым миллиард", True),
        (1.7e9, "bn", "1,7 млрд", False),
        (78, None, "78", False),
    ]
    for amount in found:
        assert text[amount.span.start : amount.span.end] == amount.span.text


def test_separate_numbers_stay_separate() -> None:
    found = find_amounts("к 2030 году 10 млрд, в 2024 году 4 млрд")
    assert [a.value for a in found] == [2030, 1e10, 2024, 4e9]
