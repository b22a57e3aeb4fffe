"""Grammatical tense near a position in a sentence: past, future, or unknown.

Used only to pick a direction when a date leaves it open (a weekday, a month without a
year). The markers are the common finite verb forms and time adverbs of news prose; the
marker nearest to the date wins, so "said that the summit will be held on Friday" reads as
future. Kazakh and Uzbek are verb-final, so the ending of the clause's verb carries tense.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workers.extract._grammar.text import fold, lowered

PAST = "past"
FUTURE = "future"

# Whole words (or stems) by language; IGNORECASE. Present-tense forms that news use for the
# near future ("пройдет", "өтеді", "ўтади") count as future.
_FUTURE_WORDS = (
    # ru
    r"будет|будут|буд[еу]т\w*|состоится|состоятся|пройд[её]т|пройдут|проведут|проведет|"
    r"посетит|прибудет|прибудут|отправится|начн[её]тся|завершится|откроется|планиру\w+|"
    r"запланирован\w*|намечен\w*|предстоит|предстоящ\w+|ожида\w+|следующ\w+|ближайш\w+|"
    # kk
    r"өтеді|өтпек|болады|болмақ|келеді|барады|қатысады|қатыспақ|жоспарлан\w*|күтілуде|"
    r"өткізіледі|өтетін|болатын|келесі|алдағы|"
    # uz
    r"ўтади|бўлади|ўтказилади|қатнашади|ташриф\s+буюради|режалаштирилган|кутилмоқда|"
    r"келаси|келгуси|o'tadi|bo'ladi|o'tkaziladi|qatnashadi|rejalashtirilgan|kutilmoqda|"
    r"kelasi|kelgusi|keyingi|"
    # en
    r"will|shall|upcoming|scheduled|next|plans?\s+to|to\s+be\s+held|is\s+to|are\s+to"
)
_PAST_WORDS = (
    # ru
    r"состоял\w*|прош[её]л|прошл[аои]|провел\w*|провёл|был[аои]?|принял\w*|принят[аоы]?|"
    r"подписал\w*|подписан[аоы]?|посетил\w*|прибыл\w*|завершил\w*|обсудил\w*|отметил\w*|"
    r"заявил\w*|сообщил\w*|встретил\w*|наградил\w*|минувш\w+|прошедш\w+|"
    # kk
    r"өтті|болды|өткен|қатысты|барды|келді|қойылды|өткізді|өткізілді|талқылады|айтты|"
    r"білдірді|былтыр|"
    # uz
    r"ўтди|бўлди|ўтказилди|ўтказди|қатнашди|имзоланди|ўтган|o'tdi|bo'ldi|o'tkazildi|"
    r"o'tkazdi|qatnashdi|imzolandi|o'tgan|"
    # en
    r"was|were|had|held|met|signed|visited|took\s+place|last|ago"
)
# Verb endings of Uzbek (a suffix "-ди" is past, "-ади/-йди" present-future) and the Kazakh
# present-future "-ады/-йды" and intention "-мақ/-пек". Kazakh past "-ды/-ді" is left out: it
# is also the accusative; so is "-еді", which is also the past auxiliary.
_FUTURE_ENDINGS = [
    "ади", "йди", "адилар", "йдилар", "моқда", "моқчи", "ажак", "adi", "ydi", "adilar",
    "moqda", "moqchi", "ajak", "ады", "йды", "йді", "мақ", "мек", "пақ", "пек",
]
_PAST_ENDINGS = ["ди", "дилар", "ган", "дик", "di", "dilar", "gan", "dik"]


def _ending(endings: list[str]) -> str:
    """A word with one of ``endings`` after at least one letter of its own.

    The word is taken whole and its end looked back on, one look for each length of ending,
    rather than letting the engine try every split of the word against every ending.
    """
    by_length: dict[int, list[str]] = {}
    for ending in endings:
        by_length.setdefault(len(ending), []).append(ending)
    looks = "|".join(rf"(?<=\w(?:{'|'.join(group)}))" for _, group in sorted(by_length.items()))
    return rf"\w++(?:{looks})"


@lru_cache(maxsize=1)
def _markers() -> tuple[tuple[re.Pattern[str], str], ...]:
    def word(body: str) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w)(?:{fold(body)})(?![\w'])", re.IGNORECASE)

    return (
        (word(_FUTURE_WORDS), FUTURE),
        (word(_PAST_WORDS), PAST),
        (word(_ending(_FUTURE_ENDINGS)), FUTURE),
        (word(_ending(_PAST_ENDINGS)), PAST),
    )


@lru_cache(maxsize=1)
def _lower_markers() -> tuple[tuple[re.Pattern[str], str], ...] | None:
    """The markers for lower-cased text, matched case-sensitively: several times faster.
    None if a marker's pattern is not all lower case (a capital letter or an escape such
    as "\\S" would then match differently)."""
    markers = _markers()
    if any(pattern.pattern != pattern.pattern.lower() for pattern, _ in markers):
        return None
    return tuple((re.compile(pattern.pattern), tense) for pattern, tense in markers)


def tense_near(sentence: str, offset: int) -> str | None:
    """The tense of the marker nearest to ``offset`` in ``sentence``, or None.

    Explicit words beat verb endings at the same distance; a future ending is tried before
    the past one because Uzbek "-ади" ends in the past "-ди".
    """
    markers = _markers()
    lower = lowered(sentence)  # same offsets; None where case-blind matching is more
    lower_markers = _lower_markers()
    if lower is not None and lower_markers is not None:
        markers, sentence = lower_markers, lower
    best: tuple[int, int, str] | None = None
    for rank, (pattern, tense) in enumerate(markers):
        for match in pattern.finditer(sentence):
            distance = min(abs(match.start() - offset), abs(match.end() - offset))
            if best is None or (distance, rank) < (best[0], best[1]):
                best = (distance, rank, tense)
    return best[2] if best else None
