"""Language and script of an article and of each paragraph, from the letters themselves.

The letters that only some alphabets have decide most cases: Kazakh ә ұ і һ (with ғ қ ң ө ү),
Uzbek Cyrillic ў ҳ (with қ ғ), Kyrgyz ң ө ү without the Kazakh letters, Tajik ӣ ӯ ҷ, Turkmen
Latin ň ý ä ž, Uzbek Latin oʻ gʻ. A statistical identifier (py3langid) is one more signal for
what the letters leave open (Russian or another Cyrillic language, English or another Latin
one), never the only one: on short Russian text it readily answers "ky". The URL is never
consulted.

Codes: kk, ru, uz, en, ky, tg, tk, other; scripts: Cyrl, Latn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workers.extract.normalize import UZBEK_APOSTROPHES

LANGUAGES = ("kk", "ru", "uz", "en", "ky", "tg", "tk", "other")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NOT_CYRILLIC = re.compile(r"[^\u0400-\u04ff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00c0-\u024f]+")
# The Cyrillic letters that tell one language from another (Russian has none of them).
_TELLING_CYRILLIC = re.compile("[їєґӣӯҷўҳқғңөүәұһіђјљњћџѓќѕ]")
_UZ_LATIN_MARK = re.compile(r"[oOgG][" + UZBEK_APOSTROPHES + r"]")
_UZ_LATIN_WORDS = re.compile(
    r"\b(?:va|bilan|uchun|bo'yicha|ham|yilda|davlat|respublikasi|prezidenti|o'rtasida)\b",
    re.IGNORECASE,
)
_EN_WORDS = re.compile(r"\b(?:the|and|of|with|to|in|on|was|were|is|are|will)\b", re.IGNORECASE)
# Kyrgyz function words: Kyrgyz text may carry none of ң ө ү in a sentence.
_KY_WORDS = (" менен ", " жана ", " боюнча ", " үчүн ", "мамлекеттик ", "республикасынын ")
# Letters of the 2018 and 2021 Kazakh Latin alphabets that Turkish and German lack.
_KK_LATIN = "áǵńóúūñÁǴŃÓÚŪÑ"
_TK_LATIN = "ňýäžŇÝÄŽ"
_SAMPLE = 4000
_VOTE_CHARS = 6000
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_SHORT = 60  # letters below which a paragraph inherits the article's language


@dataclass(frozen=True, slots=True)
class ParagraphLanguage:
    start: int
    end: int
    language: str
    script: str


_SCRIPT_SAMPLE = 400


def _letters(text: str) -> int:
    """About how many letters a text has: its length without spaces (thresholds only)."""
    return len(text) - text.count(" ")


def _script(text: str) -> str | None:
    """The script most letters at the start of a text are in ("Cyrl" on a tie), None when
    it has no Cyrillic or Latin letter."""
    sample = text[:_SCRIPT_SAMPLE]
    cyrillic = _CYRILLIC.search(sample) is not None
    latin = _LATIN.search(sample) is not None
    if cyrillic and latin:
        # Deleting the runs of other characters costs one step per word, not one per letter.
        cyrillic_count = len(_NOT_CYRILLIC.sub("", sample))
        return "Cyrl" if cyrillic_count >= len(_NOT_LATIN.sub("", sample)) else "Latn"
    return "Cyrl" if cyrillic else "Latn" if latin else None


def _count(text: str, letters: str) -> int:
    return sum(map(text.count, letters))


# The cleaning stage records an article's language and the extractor needs it again.
@lru_cache(maxsize=8)
def detect_language(text: str) -> tuple[str, str]:
    """(language, script) of a text: the language of most of its letters.

    Each paragraph is judged on its own, so that a Kazakh quote in a Russian article (or an
    English summary under an Uzbek one) does not decide for the whole article.
    """
    votes: dict[tuple[str, str], int] = {}
    plain: list[str] = []
    # The opening paragraphs speak for the article; a long one is not read to its end.
    opening = text[:_VOTE_CHARS]
    unread = _letters(opening)  # at least the votes the paragraphs not yet read can cast
    for chunk in _PARAGRAPH_BREAK.split(opening):
        letters = _letters(chunk)
        unread -= letters
        if letters >= _SHORT:
            verdict = _from_letters(chunk, decide_plain=False)
            votes[verdict] = votes.get(verdict, 0) + letters
            if verdict[0] == _PLAIN:
                plain.append(chunk)
            elif _decided(votes, verdict, unread):
                return verdict
    if not votes:
        return _from_letters(text)
    plain_votes = votes.pop((_PLAIN, "Cyrl"), 0)
    if plain_votes:
        # Cyrillic without a telling letter: Russian unless the identifier, asked once about
        # all such paragraphs, hears another Slavic language.
        verdict = (
            ("ru", "Cyrl")
            if ("ru", "Cyrl") in votes
            else (_plain_cyrillic(" ".join(plain)), "Cyrl")
        )
        votes[verdict] = votes.get(verdict, 0) + plain_votes
    return max(votes, key=lambda v: votes[v])


_PLAIN = "plain"


def _decided(votes: dict[tuple[str, str], int], leader: tuple[str, str], unread: int) -> bool:
    """Whether ``leader`` wins whatever the unread paragraphs say: it is ahead of every other
    verdict by more than the unread letters and the plain Cyrillic votes (which may still go
    to any verdict) together."""
    plain = votes.get((_PLAIN, "Cyrl"), 0)
    others = [n for verdict, n in votes.items() if verdict != leader and verdict[0] != _PLAIN]
    return votes[leader] > max(others, default=0) + plain + unread


def _plain_cyrillic(text: str) -> str:
    guess = _langid(text)
    return "other" if guess in ("uk", "be", "bg", "sr", "mk", "mn") else "ru"


def _from_letters(text: str, decide_plain: bool = True) -> tuple[str, str]:
    """(language, script) of one stretch of text from its letters; py3langid only breaks ties."""
    sample = text if len(text) <= 3 * _SAMPLE else text[:_SAMPLE] + text[len(text) // 2 :][:_SAMPLE]
    script = _script(sample)
    if script is None:
        return "other", "Latn"
    letters = _letters(sample)
    if script == "Cyrl":
        language = _cyrillic_language(sample, letters)
        if language == _PLAIN:
            language = _plain_cyrillic(sample) if decide_plain else _PLAIN
        return language, "Cyrl"
    return _latin_language(sample, letters), "Latn"


def _enough(count: int, letters: int, per_mille: float) -> bool:
    return count >= 1 and count >= max(1.0, letters * per_mille / 1000)


def _cyrillic_language(text: str, letters: int) -> str:
    lower = text.lower()
    # Counted among the telling letters alone: one pass over the text instead of one per letter.
    telling = "".join(_TELLING_CYRILLIC.findall(lower))
    # Russian, the usual case, has no telling letter to count.
    kyrgyz = _count(telling, "ңөү") if telling else 0
    if telling:
        language = _by_telling_letters(telling, letters, kyrgyz)
        if language is not None:
            return language
    kyrgyz += sum(map(lower.count, _KY_WORDS))
    if _enough(kyrgyz, letters, 4):
        return "ky"
    if telling and _count(telling, "ђјљњћџѓќѕ"):
        return "other"  # Serbian, Macedonian
    if "ы" in lower or "э" in lower:
        return "ru"  # letters Bulgarian lacks; the other Cyrillic languages are ruled out above
    # No telling letter at all. Without a letter of the Turkic or Tajik alphabets the
    # identifier's Turkic guesses are its known mistake on Russian names and short text, so
    # it is only asked whether this is another Slavic language.
    return _PLAIN


def _by_telling_letters(telling: str, letters: int, kyrgyz: int) -> str | None:
    """The language the telling letters of a text decide, if they do (``kyrgyz``: how many
    of them are ң, ө or ү)."""
    if _count(telling, "їєґ") or (telling.count("ў") and telling.count("і")):
        return "other"  # Ukrainian, Belarusian
    tajik = _count(telling, "ӣӯҷ")
    uzbek = _count(telling, "ў") + _count(telling, "ҳ")
    shared = _count(telling, "қғ")
    # і alone is Ukrainian too; Kazakh text carries it together with its other letters.
    kazakh = _count(telling, "әұһ") + (telling.count("і") if shared + kyrgyz else 0)
    if _enough(tajik, letters, 1) and tajik >= kazakh:
        return "tg"
    if _enough(uzbek, letters, 2) and uzbek >= kazakh:
        return "uz"
    if _enough(kazakh, letters, 4):
        return "kk"
    if shared and not kazakh:
        # ң ө ү are Kazakh (and Kyrgyz) letters Uzbek does not have.
        return "kk" if kyrgyz else "uz"
    return None


def _latin_language(text: str, letters: int) -> str:
    turkmen = _count(text, _TK_LATIN)
    if _count(text, "ňýžŇÝŽ") and _enough(turkmen, letters, 3):
        return "tk"
    uzbek = len(_UZ_LATIN_MARK.findall(text)) + len(_UZ_LATIN_WORDS.findall(text))
    english = len(_EN_WORDS.findall(text))
    if uzbek >= 1 and uzbek >= english:
        return "uz"
    kazakh = _count(text, _KK_LATIN)
    if _enough(kazakh, letters, 8) and english == 0:
        return "kk"
    guess = _langid(text)
    if guess in ("en", "uz", "tk", "kk"):
        return guess
    if english >= 2 and english * 40 >= letters // 6:
        return "en"
    return "other"


@lru_cache(maxsize=1024)
def _langid(text: str) -> str:
    import py3langid

    return py3langid.classify(text[:1500])[0]


def paragraph_languages(text: str) -> list[ParagraphLanguage]:
    """Language and script per paragraph (a line); short lines take the article's language."""
    article = detect_language(text)
    result: list[ParagraphLanguage] = []
    start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[start:end]
        if chunk.strip():
            letters = _letters(chunk)
            language, script = (
                _from_letters(chunk, decide_plain=False) if letters >= _SHORT else article
            )
            if language == _PLAIN:
                language = "ru" if article == ("ru", "Cyrl") else _plain_cyrillic(chunk)
            if letters < _SHORT and letters:
                script = "Latn" if _script(chunk) == "Latn" else "Cyrl"
                if script != article[1]:
                    language = _from_letters(chunk)[0]
            result.append(ParagraphLanguage(start, end, language, script))
        if match:
            start = match.end()
    return result
