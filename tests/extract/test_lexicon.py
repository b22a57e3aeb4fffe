"""The lexicon as data: versioned files, canonical ids, look-ups, morphology-aware matching."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from workers.extract.layout import sentence_index_of_words, split_sentences
from workers.extract.lexicon import (
    DATA_DIR,
    DATA_FILES,
    display_name,
    is_central_asian_leader,
    load_lexicon,
    person_country,
)
from workers.extract.matcher import find_hits
from workers.extract.normalize import words
from workers.extract.people import find_people


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_data_file_is_versioned(name: str) -> None:
    data = yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data["version"], int) and data["version"] >= 1


def test_version_string_names_every_file() -> None:
    version = load_lexicon().version
    assert all(name in version for name in DATA_FILES)


def test_display_names_are_english() -> None:
    assert display_name("person", "kz-tokayev") == "Kassym-Jomart Tokayev"
    assert display_name("person", "uz-mirziyoyev") == "Shavkat Mirziyoyev"
    assert display_name("city", "tashkent") == "Tashkent"
    assert display_name("country", "UZ") == "Uzbekistan"
    assert display_name("format", "ca-consultative-meeting") == (
        "Consultative Meeting of the Heads of State of Central Asia"
    )
    assert (
        display_name("format", "sic-kz-uz")
        == "Supreme Interstate Council Kazakhstan\u2013Uzbekistan"
    )
    with pytest.raises(ValueError):
        display_name("planet", "mars")


def test_pair_bodies_are_named_from_any_order_of_their_countries() -> None:
    lexicon = load_lexicon()
    assert lexicon.pair_format("supreme-interstate-council", "UZ", "KZ") == "sic-kz-uz"
    assert lexicon.pair_format("supreme-interstate-council", "KZ", "UZ") == "sic-kz-uz"
    assert (
        lexicon.format_name("sic-kg-uz") == "Supreme Interstate Council Kyrgyzstan\u2013Uzbekistan"
    )
    assert lexicon.format_kind("sic-kz-uz") == "council"
    assert lexicon.format_visit_type("sic-kz-uz") == "state_visit"


def test_people_countries_and_leadership() -> None:
    assert person_country("kz-tokayev") == "KZ"
    assert person_country("tm-gurbanguly-berdimuhamedov") == "TM"
    assert is_central_asian_leader("uz-mirziyoyev")
    assert not is_central_asian_leader("ru-putin")
    assert not is_central_asian_leader("uz-saida-mirziyoyeva")
    assert is_central_asian_leader("tm-gurbanguly-berdimuhamedov", on=date(2020, 1, 1))
    assert not is_central_asian_leader("tm-gurbanguly-berdimuhamedov", on=date(2024, 1, 1))


def test_office_holders_change_with_the_date() -> None:
    lexicon = load_lexicon()
    assert (
        lexicon.office_holder("KG", "head_of_government", date(2024, 6, 1)) == "kg-akylbek-japarov"
    )
    assert lexicon.office_holder("KG", "head_of_government", date(2025, 6, 1)) == "kg-kasymaliev"
    assert lexicon.office_holder("US", "head_of_state", date(2024, 6, 1)) == "us-biden"
    assert lexicon.office_holder("US", "head_of_state", date(2025, 6, 1)) == "us-trump"
    assert (
        lexicon.office_holder("TM", "head_of_state", date(2025, 6, 1)) == "tm-serdar-berdimuhamedov"
    )


def test_ids_are_unique_and_every_city_has_a_known_country() -> None:
    lexicon = load_lexicon()
    assert all(city.country in lexicon.countries for city in lexicon.cities.values())
    assert all(venue.city in lexicon.cities for venue in lexicon.venues.values())
    assert all(o.country in lexicon.countries for p in lexicon.people.values() for o in p.offices)
    raw = yaml.safe_load((DATA_DIR / "people.yaml").read_text(encoding="utf-8"))["people"]
    assert len({p["id"] for p in raw}) == len(raw)


def _labels(text: str) -> list[tuple[str, str]]:
    found = words(text)
    sentence_of = sentence_index_of_words(found, split_sentences(text))
    return [
        (h.label, text[found.starts[h.start] : found.ends[h.end - 1]])
        for h in find_hits(found, sentence_of, text)
    ]


INFLECTED = [
    ("ru instrumental", "встретился с Мирзиёевым", "person:uz-mirziyoyev:surname", "Мирзиёевым"),
    ("ru dative", "позвонил Мирзиёеву", "person:uz-mirziyoyev:surname", "Мирзиёеву"),
    ("ru genitive", "визит Токаева", "person:kz-tokayev:surname", "Токаева"),
    ("kk dative", "Мирзиёевке алғыс айтты", "person:uz-mirziyoyev:surname", "Мирзиёевке"),
    ("kk dative voiceless", "Тоқаевқа хат жолдады", "person:kz-tokayev:surname", "Тоқаевқа"),
    ("uz-Cyrl dative", "Тўқаевга табрик йўллади", "person:kz-tokayev:surname", "Тўқаевга"),
    (
        "uz-Latn genitive",
        "Mirziyoyevning tashrifi",
        "person:uz-mirziyoyev:surname",
        "Mirziyoyevning",
    ),
    ("kk locative city", "Астанада өтті", "city:astana", "Астанада"),
    ("uz-Cyrl locative city", "Тошкентда бўлиб ўтди", "city:tashkent", "Тошкентда"),
    ("kk locative of the Russian spelling", "Ташкентте өтті", "city:tashkent", "Ташкентте"),
    ("ru prepositional a-stem", "в Москве прошли", "city:moscow", "Москве"),
    ("uz-Latn dative country", "Qozog'istonga tashrif", "country:KZ", "Qozog'istonga"),
    (
        "kk genitive country with possessive chain",
        "Өзбекстанның президенті",
        "country:UZ",
        "Өзбекстанның",
    ),
    (
        "ru country adjective in a compound",
        "казахско-узбекское сотрудничество",
        "country_adj:UZ",
        "узбекское",
    ),
    ("kk demonym compound", "Қазақ-өзбек қарым-қатынасы", "country_adj:KZ", "Қазақ"),
]


@pytest.mark.parametrize("name, text, label, surface", INFLECTED, ids=[c[0] for c in INFLECTED])
def test_inflected_forms_match_their_stems(name: str, text: str, label: str, surface: str) -> None:
    assert (label, surface) in _labels(text)


NOT_MATCHED = [
    ("adjective is not the city", "в Ташкентской области", "city:tashkent"),
    ("a Muscovite is not Moscow", "москвич приехал", "city:moscow"),
    ("lower-case common word is not a name", "ташкент", "city:tashkent"),
    ("Kazakhstan's adjective is not the country noun", "казахстанской делегации", "country:KZ"),
]


@pytest.mark.parametrize("name, text, label", NOT_MATCHED, ids=[c[0] for c in NOT_MATCHED])
def test_forms_outside_the_suffix_sets_do_not_match(name: str, text: str, label: str) -> None:
    assert label not in {label for label, _ in _labels(text)}


def _people(
    text: str, language: str, source_country: str | None = None, day: date | None = date(2025, 6, 1)
) -> list[str]:
    lexicon = load_lexicon()
    found = words(text)
    sentence_of = sentence_index_of_words(found, split_sentences(text))
    hits = find_hits(found, sentence_of, text)
    mentions = find_people(lexicon, found, text, hits, sentence_of, language, source_country, day)
    return list(dict.fromkeys(m.person for m in mentions))


PEOPLE = [
    ("full name", "Касым-Жомарт Токаев прибыл", "ru", None, ["kz-tokayev"]),
    ("surname alone", "Мирзиёев отметил", "ru", None, ["uz-mirziyoyev"]),
    ("title and country, ru", "с Президентом Узбекистана обсудил", "ru", None, ["uz-mirziyoyev"]),
    ("title and country, kk", "Өзбекстан президентімен келіссөз", "kk", None, ["uz-mirziyoyev"]),
    (
        "title and country, uz",
        "Қозоғистон Республикаси Президенти билан",
        "uz",
        None,
        ["kz-tokayev"],
    ),
    (
        "plural title, two countries",
        "президентов Казахстана и Узбекистана",
        "ru",
        None,
        ["kz-tokayev", "uz-mirziyoyev"],
    ),
    (
        "plural title, countries before",
        "Ўзбекистон ва Қозоғистон етакчилари учрашди",
        "uz",
        None,
        ["uz-mirziyoyev", "kz-tokayev"],
    ),
    ("Akorda's head of state", "Мемлекет басшысы сөз сөйледі", "kk", "KZ", ["kz-tokayev"]),
    (
        "Uzbek outlet's head of state",
        "Давлатимиз раҳбари таъкидлади",
        "uz",
        "UZ",
        ["uz-mirziyoyev"],
    ),
    ("Uzbek outlet, Latin", "Davlatimiz rahbari ta'kidladi", "uz", "UZ", ["uz-mirziyoyev"]),
    (
        "ru head of state on a Kazakh source",
        "Глава государства провел совещание",
        "ru",
        "KZ",
        ["kz-tokayev"],
    ),
    ("plural heads of state name no one", "Главы государств обсудили", "ru", "KZ", []),
    (
        "deputy prime minister is not the prime minister",
        "заместитель премьер-министра Казахстана",
        "ru",
        None,
        [],
    ),
    (
        "Saida with her first name",
        "Саида Мирзиёева встретилась",
        "ru",
        None,
        ["uz-saida-mirziyoyeva"],
    ),
    (
        "Мирзиёева by a feminine verb",
        "Мирзиёева отметила важность",
        "ru",
        None,
        ["uz-saida-mirziyoyeva"],
    ),
    ("Мирзиёева as Russian genitive", "визит Мирзиёева в Казахстан", "ru", None, ["uz-mirziyoyev"]),
    (
        "Mirziyoyeva in Uzbek is the woman",
        "Мирзиёева учрашув ўтказди",
        "uz",
        None,
        ["uz-saida-mirziyoyeva"],
    ),
    ("Japarov alone is unresolved", "Жапаров провел встречу", "ru", None, []),
    (
        "Japarov with first name",
        "Акылбек Жапаров провел встречу",
        "ru",
        None,
        ["kg-akylbek-japarov"],
    ),
    (
        "Japarov by title elsewhere",
        "Жапаров выступил. Президент Кыргызстана подчеркнул",
        "ru",
        None,
        ["kg-japarov"],
    ),
    ("Berdimuhamedov alone is unresolved", "Бердымухамедов посетил завод", "ru", None, []),
    (
        "Berdimuhamedov with first name",
        "Гурбангулы Бердымухамедов посетил завод",
        "ru",
        None,
        ["tm-gurbanguly-berdimuhamedov"],
    ),
    (
        "Berdimuhamedov by Halk Maslahaty title",
        "Председатель Халк Маслахаты Бердымухамедов",
        "ru",
        None,
        ["tm-gurbanguly-berdimuhamedov"],
    ),
    ("Xi needs his full name", "Си Цзиньпин прибыл. Си отметил", "ru", None, ["cn-xi-jinping"]),
    (
        "Rustam Emomali is not the president",
        "Рустам Эмомали встретился",
        "ru",
        None,
        ["tj-rustam-emomali"],
    ),
    ("Emomali Rahmon", "Эмомали Рахмон встретился", "ru", None, ["tj-rahmon"]),
    ("first name and patronymic", "Уважаемый Шавкат Миромонович", "ru", None, ["uz-mirziyoyev"]),
    (
        "English",
        "President of Uzbekistan Shavkat Mirziyoyev met Kyrgyz President Sadyr Japarov",
        "en",
        None,
        ["uz-mirziyoyev", "kg-japarov"],
    ),
]


@pytest.mark.parametrize(
    "name, text, language, source, expected", PEOPLE, ids=[c[0] for c in PEOPLE]
)
def test_people(
    name: str, text: str, language: str, source: str | None, expected: list[str]
) -> None:
    assert _people(text, language, source) == expected
