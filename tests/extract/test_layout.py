"""Sentences of an article: where they end and where they do not."""

from __future__ import annotations

import pytest

from workers.extract.layout import split_sentences


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end, _line in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("К.-Ж. Токаев прибыл. Ш. Мирзиёев встретил его.", ["К.-Ж. Токаев прибыл.", "Ш. Мирзиёев встретил его."]),
        ("Объём достиг 5 млрд. долларов. Стороны довольны.", ["Объём достиг 5 млрд. долларов.", "Стороны довольны."]),
        ("Кто, если не я? Мы придём.", ["Кто, если не я?", "Мы придём."]),
        ("Это был он! Встреча началась.", ["Это был он!", "Встреча началась."]),
        ("Заголовок\nПервая строка. Вторая.", ["Заголовок", "Первая строка.", "Вторая."]),
    ],
)
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_lines_are_numbered_by_their_text() -> None:
    text = "Заголовок\n\n\nПервая строка.\nВторая строка."
    assert [line for *_span, line in split_sentences(text)] == [0, 1, 2]
