"""Language and script come from the letters of the text, never from where it was found."""

from __future__ import annotations

import pytest

from workers.extract import detect_language, paragraph_languages
from workers.extract.language import LANGUAGES

CASES = [
    # Kazakh: ә ұ і with the shared ғ қ ң ө ү
    (
        "kk news",
        "Мемлекет басшысы Өзбекстан Президентімен келіссөз жүргізді және бірқатар құжатқа қол қойды.",
        "kk",
        "Cyrl",
    ),
    ("kk short, no і", "Мемлекет басшысы Өзбекстанға барды", "kk", "Cyrl"),
    # Uzbek Cyrillic: ў ҳ, or қ ғ without any Kazakh letter
    (
        "uz-Cyrl news",
        "Ўзбекистон Президенти Шавкат Мирзиёев Қозоғистон раҳбари билан музокара ўтказди.",
        "uz",
        "Cyrl",
    ),
    ("uz-Cyrl only қ ғ", "Президент Мирзиёев Қозоғистонга ташриф буюрди", "uz", "Cyrl"),
    (
        "uz-Latn",
        "Prezident Shavkat Mirziyoyev Qozog‘iston Prezidenti bilan muzokaralar o‘tkazdi.",
        "uz",
        "Latn",
    ),
    (
        "uz-Latn plain apostrophe",
        "O'zbekiston va Qozog'iston o'rtasidagi savdo hajmi oshdi",
        "uz",
        "Latn",
    ),
    ("ru", "Касым-Жомарт Токаев находится в Ташкенте с государственным визитом.", "ru", "Cyrl"),
    # Russian with only names: the statistical identifier alone says "ky" here
    ("ru names only", "Президент Туркменистана Сердар Бердымухамедов", "ru", "Cyrl"),
    (
        "en",
        "President Tokayev held talks with the President of Uzbekistan in Samarkand.",
        "en",
        "Latn",
    ),
    (
        "ky letters",
        "Кыргыз Республикасынын Президенти Садыр Жапаров мамлекеттик сапар менен Өзбекстанга барды.",
        "ky",
        "Cyrl",
    ),
    (
        "ky without its letters",
        "Кыргыз Республикасынын Президенти Садыр Жапаров мамлекеттик сапар менен келди",
        "ky",
        "Cyrl",
    ),
    (
        "tg",
        "Президенти Ҷумҳурии Тоҷикистон Эмомалӣ Раҳмон бо сафари расмӣ ба Тошкент рафт.",
        "tg",
        "Cyrl",
    ),
    (
        "tk",
        "Türkmenistanyň Prezidenti Serdar Berdimuhamedow döwlet sapary bilen Daşkende geldi.",
        "tk",
        "Latn",
    ),
    ("kk Latin", "Qasym-Jomart Toqaev Ózbekstanǵa memlekettik saparmen bardy", "kk", "Latn"),
    (
        "Ukrainian is other",
        "Президент України відвідав Київ і зустрівся з прем'єр-міністром.",
        "other",
        "Cyrl",
    ),
    (
        "German is other",
        "Der Präsident besuchte Berlin und traf den Kanzler zu Gesprächen.",
        "other",
        "Latn",
    ),
    (
        "Turkish is other",
        "Cumhurbaşkanı Erdoğan Ankara'da Özbekistan Cumhurbaşkanı ile görüştü.",
        "other",
        "Latn",
    ),
]


@pytest.mark.parametrize("name, text, language, script", CASES, ids=[c[0] for c in CASES])
def test_language_and_script(name: str, text: str, language: str, script: str) -> None:
    assert detect_language(text) == (language, script)


def test_codes_are_the_documented_ones() -> None:
    assert {detect_language(text)[0] for _, text, _, _ in CASES} <= set(LANGUAGES)


def test_no_letters_is_other() -> None:
    assert detect_language("12:45 — 14.11.2025") == ("other", "Latn")


def test_each_paragraph_gets_its_own_language() -> None:
    text = (
        "Касым-Жомарт Токаев провел переговоры с Шавкатом Мирзиёевым в Ташкенте, стороны обсудили торговлю.\n"
        "Prezident Shavkat Mirziyoyev Qozog‘iston Prezidenti bilan muzokaralar o‘tkazdi va hujjatlar imzolandi.\n"
        "Фото: Акорда\n"
        "Мемлекет басшысы Өзбекстан Президентімен келіссөз жүргізді және бірқатар құжатқа қол қойды.\n"
        "Президенты подписали совместное заявление и ряд межправительственных соглашений о сотрудничестве.\n"
    )
    paragraphs = paragraph_languages(text)
    assert detect_language(text) == ("ru", "Cyrl")
    assert [(p.language, p.script) for p in paragraphs] == [
        ("ru", "Cyrl"),
        ("uz", "Latn"),
        ("ru", "Cyrl"),  # too short to tell: the article's language
        ("kk", "Cyrl"),
        ("ru", "Cyrl"),
    ]
    assert text[paragraphs[1].start : paragraphs[1].end].startswith("Prezident")


def test_url_is_not_consulted() -> None:
    # detect_language takes text only; a Kazakh URL cannot make Russian text Kazakh.
    assert detect_language("Президент Казахстана прибыл в Ташкент с государственным визитом.") == (
        "ru",
        "Cyrl",
    )
