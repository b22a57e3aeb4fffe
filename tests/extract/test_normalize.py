"""Matching keys fold scripts and spellings together; offsets always point into the original."""

from __future__ import annotations

import pytest

from workers.extract.normalize import (
    fold_apostrophes,
    fold_key,
    fold_with_offsets,
    nfc,
    uz_cyrl_to_latn,
    uz_latn_to_cyrl,
    words,
)

SAME_KEY = [
    ("Tokayev in five spellings", ["Тўқаев", "To‘qayev", "Тоқаев", "Токаев", "Tokayev", "Toqaev"]),
    ("ё and е, Latin yo", ["Мирзиёев", "Мирзиеев", "Mirziyoyev", "MIRZIYOYEV"]),
    (
        "Uzbek apostrophes",
        [
            "O'zbekiston",
            "O‘zbekiston",
            "O’zbekiston",
            "Oʻzbekiston",
            "Oʼzbekiston",
            "O`zbekiston",
            "Ўзбекистон",
        ],
    ),
    ("Uzbek Latin and Cyrillic city", ["Toshkent", "Тошкент"]),
    ("x, kh and Cyrillic х", ["Xiva", "Khiva", "Хива"]),
    ("zh, j and ж", ["Zhaparov", "Japarov", "Жапаров", "Джапаров"]),
    ("Turkmen w and ý", ["Berdimuhamedow", "Бердымухамедов", "Бердімұхамедов", "Berdimuhamedov"]),
    ("Kazakh and Russian Kyrgyzstan", ["Қырғызстан", "Кыргызстан", "Kyrgyzstan"]),
    ("Kazakh Latin 2018", ["Qasym", "Қасым", "Касым"]),
    ("Turkish diacritics", ["Erdoğan", "Эрдоган", "Эрдоған", "Erdo‘g‘an"]),
    ("English possessive", ["Tokayev's", "Tokayev"]),
]


@pytest.mark.parametrize("name, spellings", SAME_KEY, ids=[c[0] for c in SAME_KEY])
def test_spellings_share_a_key(name: str, spellings: list[str]) -> None:
    keys = {fold_key(s) for s in spellings}
    assert len(keys) == 1, dict(zip(spellings, map(fold_key, spellings), strict=True))


def test_different_words_keep_different_keys() -> None:
    assert fold_key("Ташкент") != fold_key(
        "Тошкент"
    )  # Russian and Uzbek spellings are lexicon variants
    assert fold_key("Алиев") != fold_key("Асадов")
    assert fold_key("Мирзиёева") != fold_key("Мирзиёев")


def test_suffixes_stay_on_the_key() -> None:
    assert fold_key("Мирзиёевым") == fold_key("Мирзиёев") + "im"
    assert fold_key("Тоқаевқа") == fold_key("Тоқаев") + "ka"
    assert fold_key("Mirziyoyevning") == fold_key("Мирзиёев") + "ning"


def test_nfc_composes_decomposed_letters() -> None:
    decomposed = "и\u0306"
    assert nfc(decomposed) == "й"
    assert fold_key("Тоқаев") == fold_key(nfc("Тоқаев"))


def test_apostrophes_fold_to_one_character_keeping_length() -> None:
    text = "O‘zbekiston, g’alaba, Oʻzbek, ma`no"
    folded = fold_apostrophes(text)
    assert len(folded) == len(text)
    assert {c for c in folded if c in "'‘’ʻʼ`"} == {"\u02bc"}
    assert fold_apostrophes("O‘z", to="'") == "O'z"


TRANSLITERATION = [
    ("Мирзиёев", "Mirziyoyev"),
    ("Ўзбекистон Республикаси", "Oʻzbekiston Respublikasi"),
    ("Ғалаба", "Gʻalaba"),
    ("ерга", "yerga"),
    ("маъно", "maʼno"),
    ("Тошкентда шавкат", "Toshkentda shavkat"),
]


@pytest.mark.parametrize("cyrillic, latin", TRANSLITERATION)
def test_uzbek_transliteration_both_ways(cyrillic: str, latin: str) -> None:
    assert uz_cyrl_to_latn(cyrillic) == latin
    assert uz_latn_to_cyrl(latin) == cyrillic


def test_latin_to_cyrillic_accepts_every_apostrophe() -> None:
    for apostrophe in "'‘’ʻʼ`":
        assert uz_latn_to_cyrl(f"O{apostrophe}zbekiston") == "Ўзбекистон"


def test_words_keep_offsets_into_the_original_text() -> None:
    text = "Қасым-Жомарт Тоқаев O‘zbekistonga 6-шы саммитке барды."
    found = words(text)
    tokens = [text[s:e] for s, e in zip(found.starts, found.ends, strict=True)]
    assert tokens == ["Қасым", "Жомарт", "Тоқаев", "O‘zbekistonga", "6", "шы", "саммитке", "барды"]
    assert found.keys[3] == fold_key("Ўзбекистонга")


def test_whole_text_key_maps_back_to_original_offsets() -> None:
    text = "Президент  Тоқаев, Astana."
    key, offsets = fold_with_offsets(text)
    assert len(key) == len(offsets)
    assert key.split() == ["prezident", "tokaev", "astana"]
    position = key.index("astana")
    assert text[offsets[position] :].startswith("Astana")
    position = key.index("tokaev")
    assert text[offsets[position] :].startswith("Тоқаев")
