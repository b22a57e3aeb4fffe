"""Titles of the documents signed or adopted, and the number of documents stated.

Three shapes are read, in sentences that sign or adopt (a finite signing verb, or the
sentence right after one that signs "documents" in general: "... құжаттарға қол қойылды.
Олардың қатарында ..."):

* running text: the document noun with its title. Russian and English titles follow the
  noun ("соглашение о совместном управлении ...", "agreement on ..."), up to a verb, a
  punctuation mark or the next document; Kazakh and Uzbek titles precede it ("... туралы
  келісім", "... тўғрисидаги битим"), back to a clause boundary;
* an inline list: a plural noun, a colon and complements separated by semicolons ("три
  решения Совета: о создании ...; о создании ...") gives one title per item;
* a line list: a heading ending in a colon ("По итогам визита подписаны следующие
  документы:") and one document per following line.

The count is the stated number of documents ("подписано 15 документов", "12 ҳужжат
имзоланди"). A stated number smaller than the documents the article lists counts a
sub-list ("компании подписали два документа: ..."), not the total, and is dropped.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice

from workers.extract._grammar import document_words as words
from workers.extract._grammar.text import (
    SPACE,
    Cue,
    LineSentences,
    fold,
    has_letters,
    line_end,
    literal_start,
    lowered,
    occurs_in,
)
from workers.extract.numbers import find_folded_amounts
from workers.records import DocumentMention, Span

_MAX_TITLE_ATOMS = 30
_MAX_LEFT_ATOMS = 14
_MAX_COUNT = 500
# Letters only Kazakh or Uzbek Cyrillic use, and Uzbek Latin spellings.
# (A letter right before the ending is a word of two letters or more ending so; written
# without "\b\w+", which would retry every word start of the sentence.)
_TURKIC = re.compile(r"[әғқңөұүһіўҳ]|\w(?:ning|lari|larni|dagi)\b|\b[og]'\w", re.IGNORECASE)
# What a match of _TURKIC contains in lower case: a sentence without any is not searched.
_TURKIC_CUES = (*"әғқңөұүһіўҳ", "ning", "lari", "larni", "dagi", "'")
# A word, a quoted name (kept whole: its dashes and spaces are the name's), or one mark.
# A word runs over letters, digits and apostrophes, a hyphen before a letter and a dash
# before a digit; written as runs of letters so that the engine takes a run at a time.
_ATOM = re.compile(
    r"«[^»\n]*»|“[^”\n]*”|„[^“”\n]*[“”]|\"[^\"\n]*\""
    r"|[^\W_][\w']*(?:(?:-(?=\w)|[–—](?=\d))[\w']*)*"
    r"|\S"
)
_BOUNDARY_MARKS = frozenset(",;:.!?()[]–—-")
_BULLET = re.compile(rf"^{SPACE}*(?:[-–—•*·▪]|\d{{1,2}}[.)])?{SPACE}*")
_HEAD_FINAL_STEMS = fold(
    "келісімшарт келісім битим келишув bitim kelishuv меморандум memorandum шешім қарор qaror "
    "бағдарлама дастур dastur тұжырымдама концепция konsepsiya kontseptsiya декларация "
    "мәлімдеме баёнот bayonot deklaratsiya жоспар режа reja хаттама баённома bayonnoma "
    "протокол шартнома shartnoma шарт контракт kontrakt карта харита xarita"
).split()
# Russian nouns of a title back in the nominative, so that coverage of one document in
# several cases reads as one title.
_NOMINATIVE = (
    (re.compile(r"^(соглашени|решени|заявлени)(?:я|ю|ем|и)$", re.IGNORECASE), r"\1е"),
    (
        re.compile(r"^(меморандум|план|протокол|договор|контракт)(?:а|у|ом|е)$", re.IGNORECASE),
        r"\1",
    ),
    (re.compile(r"^(программ|карт)(?:ы|е|у|ой|ою)$", re.IGNORECASE), r"\1а"),
    (re.compile(r"^(дорожн)(?:ой|ую)$", re.IGNORECASE), r"\1ая"),
    (re.compile(r"^(концепци)(?:и|ю|ей)$", re.IGNORECASE), r"\1я"),
    (re.compile(r"^(декларац)(?:ии|ию|ией)$", re.IGNORECASE), r"\1ия"),
)
# Any of the forms above: a word none of them matches is left as it is.
_OBLIQUE = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _NOMINATIVE), re.IGNORECASE)
_FEMININE_ADJECTIVE = re.compile(r"(\w+)(?:ую|ой)$")
_ADJECTIVE_ENDING = re.compile(r"(?:ое|ее|ый|ий|ой|ая|яя|ую|юю|ые|ие)$")
# A Kazakh or Uzbek plural without a case ending is a subject ("Президентлар", "Тараптар"),
# never a word inside a title, where nouns carry case ("обектларини", "инвестицияларды").
_PLURAL_SUBJECT = re.compile(r"\w(?:лар|лер|дар|дер|тар|тер|lar|ler)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Patterns:
    head_first: tuple[tuple[str, re.Pattern[str]], ...]
    head_final: tuple[tuple[str, re.Pattern[str]], ...]
    head_final_plural: re.Pattern[str]
    generic: re.Pattern[str]
    signing: re.Pattern[str]
    head_first_stop: re.Pattern[str]
    head_first_stop_gate: _WordGate
    title_end_gate: _WordGate  # a stop word or a coordinator
    relative: re.Pattern[str]
    head_final_stop: re.Pattern[str]
    head_final_leading: re.Pattern[str]
    coordinator: re.Pattern[str]
    coordinator_gate: _WordGate
    title_adjective: re.Pattern[str]
    any_noun: re.Pattern[str]
    counted_noun: re.Pattern[str]
    # Where the nouns of each kind may begin, to try them there only.
    head_first_starts: _NounStarts
    head_final_starts: _NounStarts
    # Literal beginnings of the signing verbs and the document nouns, looked up in the whole
    # article to find the few sentences worth reading.
    generic_cue: Cue
    signing_cue: Cue


def _alternatives(forms: list[str]) -> str:
    # the text is folded before matching, so the vocabulary is folded too
    return "(?:" + "|".join(fold(f) for f in forms) + ")"


def _search(forms: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){_alternatives(forms)}(?![\w'])", re.IGNORECASE)


def _at_start(forms: list[str]) -> re.Pattern[str]:
    return re.compile(rf"{_alternatives(forms)}(?![\w'])", re.IGNORECASE)


# An optional group that opens an alternative ("(?:совместн\w+\s+)?заявлени...").
_OPTIONAL_LEAD = re.compile(r"^\(\?:([^()]*)\)\?")


@dataclass(frozen=True, slots=True)
class _NounStarts:
    """For each kind of a table of nouns, the literals a match of its nouns begins with: a
    form's beginning or, after an optional opening group, the group's and what follows it
    ("совместн", "заявлени"). None for a kind where a form has no such literal."""

    starts: tuple[tuple[str, ...] | None, ...]
    literals: tuple[tuple[str, int], ...]  # every kind's literals, with the kind's index

    @classmethod
    def of(cls, table: Iterable[list[str]]) -> _NounStarts:
        cues = [Cue.of(piece for form in forms for piece in _openings(form)) for forms in table]
        starts = tuple(cue.starts for cue in cues)
        literals = tuple(
            (literal, kind) for kind, literals in enumerate(starts) for literal in literals or ()
        )
        return cls(starts, literals)


def _openings(form: str) -> list[str]:
    """The fragments a match of ``form`` begins with."""
    lead = _OPTIONAL_LEAD.match(form)
    return [form] if lead is None else [lead.group(1), form[lead.end() :]]


# What an atom of a title may be made of.
_WORD = re.compile(r"[^\W_][\w']*")


@dataclass(frozen=True, slots=True)
class _WordGate:
    """A cheap test before matching a vocabulary at a word: a match begins with one of its
    forms' literal beginnings, and is exactly that beginning when the form goes on with a
    space ("в\\s+рамках") or, for a vocabulary of whole words, when the form is that
    literal. ``prefixes`` (by first letter) is None when a form has none."""

    prefixes: dict[str, tuple[str, ...]] | None
    whole: frozenset[str]

    @classmethod
    def of(cls, forms: list[str], whole_words: bool = False) -> _WordGate:
        prefixes: dict[str, list[str]] = {}
        whole = set()
        for form in map(fold, forms):
            literal = literal_start(form)
            # a word is the letters, digits and apostrophes before anything else
            word = _WORD.match(literal)
            if word is None:
                return cls(None, frozenset())
            rest = form[len(literal) :]
            if word.end() == len(literal) and (
                rest.startswith("\\s") or (whole_words and literal == form)
            ):
                whole.add(literal)
            else:
                prefixes.setdefault(literal[0], []).append(word.group())
        return cls({k: tuple(v) for k, v in prefixes.items()}, frozenset(whole))

    @classmethod
    def either(cls, *gates: _WordGate) -> _WordGate:
        """A gate that admits what any of ``gates`` admits."""
        prefixes: dict[str, set[str]] = {}
        for gate in gates:
            if gate.prefixes is None:
                return cls(None, frozenset())
            for letter, starts in gate.prefixes.items():
                prefixes.setdefault(letter, set()).update(starts)
        whole = frozenset().union(*(gate.whole for gate in gates))
        return cls({k: tuple(sorted(v)) for k, v in prefixes.items()}, whole)

    def admits(self, word: str | None) -> bool:
        """Whether the vocabulary may match at ``word`` (in lower case; None: unknown)."""
        if word is None or self.prefixes is None or word in self.whole:
            return True
        starts = self.prefixes.get(word[:1])
        return starts is not None and word.startswith(starts)


def _shared_beginnings(cue: Cue, length: int = 4) -> Cue:
    """``cue`` with beginnings that share their first ``length`` letters cut to what they
    share ("одобрил", "одобрен": "одобр"; "алмас", "алмаш": "алма"): one search of the article
    instead of several, for a few more places where the pattern is tried."""
    if cue.starts is None:
        return cue
    groups: dict[str, list[str]] = {}
    for start in cue.starts:
        groups.setdefault(start[:length], []).append(start)
    return Cue(tuple(sorted(os.path.commonprefix(group) for group in groups.values())))


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    every_noun = [
        f
        for table in (words.HEAD_FIRST_NOUNS, words.HEAD_FINAL_NOUNS)
        for fs in table.values()
        for f in fs
    ]
    return _Patterns(
        head_first=tuple((kind, _search(forms)) for kind, forms in words.HEAD_FIRST_NOUNS.items()),
        head_final=tuple((kind, _search(forms)) for kind, forms in words.HEAD_FINAL_NOUNS.items()),
        head_final_plural=re.compile(
            rf"^(?:{'|'.join(_HEAD_FINAL_STEMS)}){words.HEAD_FINAL_PLURAL}", re.IGNORECASE
        ),
        generic=_search(words.GENERIC_NOUNS),
        signing=_search(words.SIGNING_VERBS),
        head_first_stop=_at_start(words.HEAD_FIRST_STOPS),
        head_first_stop_gate=_WordGate.of(words.HEAD_FIRST_STOPS),
        relative=_at_start(words.RELATIVES),
        head_final_stop=re.compile(rf"^{_alternatives(words.HEAD_FINAL_STOPS)}$", re.IGNORECASE),
        head_final_leading=re.compile(
            rf"^{_alternatives(words.HEAD_FINAL_LEADING)}$", re.IGNORECASE
        ),
        coordinator=re.compile(rf"^{_alternatives(words.COORDINATORS)}$", re.IGNORECASE),
        coordinator_gate=_WordGate.of(words.COORDINATORS, whole_words=True),
        title_end_gate=_WordGate.either(
            _WordGate.of(words.HEAD_FIRST_STOPS), _WordGate.of(words.COORDINATORS, whole_words=True)
        ),
        title_adjective=re.compile(rf"^{_alternatives(words.TITLE_ADJECTIVES)}$", re.IGNORECASE),
        any_noun=_at_start(every_noun),
        # match() anchors at the position given; "^" would not
        counted_noun=re.compile(
            rf"\.?(?:{SPACE}+(?:та|ta|\w+))?{SPACE}+{_alternatives(words.GENERIC_NOUNS)}",
            re.IGNORECASE,
        ),
        head_first_starts=_NounStarts.of(words.HEAD_FIRST_NOUNS.values()),
        head_final_starts=_NounStarts.of(words.HEAD_FINAL_NOUNS.values()),
        generic_cue=_shared_beginnings(Cue.of(words.GENERIC_NOUNS)),
        signing_cue=_shared_beginnings(Cue.of(words.SIGNING_VERBS)),
    )


# ---------------------------------------------------------------------------------- article


@dataclass(frozen=True, slots=True)
class _Article:
    """The folded article and where its signing verbs and document nouns may occur.

    ``lower`` is the article in lower case when comparing lower case stands for matching
    case-insensitively (see ``lowered``); the offsets are where the vocabularies' literal
    beginnings occur in it. When ``lower`` is None every sentence may hold anything.
    """

    text: str
    lower: str | None
    signing: list[int] | None
    generic: list[int] | None

    @classmethod
    def of(cls, folded: str) -> _Article:
        patterns = _patterns()
        lower = lowered(folded)
        if lower is None:
            return cls(folded, None, None, None)
        return cls(
            folded,
            lower,
            patterns.signing_cue.offsets(lower),
            patterns.generic_cue.offsets(lower),
        )


# Not frozen: made by the dozen for every title, and a frozen class is built slower.
@dataclass(slots=True)
class _Atom:
    start: int
    end: int
    text: str

    @property
    def is_mark(self) -> bool:
        return self.text in _BOUNDARY_MARKS


def _atoms(text: str, start: int, end: int) -> list[_Atom]:
    return [_Atom(m.start(), m.end(), m.group()) for m in _ATOM.finditer(text, start, end)]


# ------------------------------------------------------------------------ signing context


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    signs: bool  # a signing verb
    generic: bool  # a noun for documents in general


def _read_sentences(article: _Article, lines: LineSentences) -> list[_Sentence]:
    """The sentences that hold a signing verb or a document noun, in text order: no other
    sentence signs, heads a list, or leads into one that signs."""
    patterns = _patterns()
    text = article.text
    signing, generic = article.signing, article.generic
    if signing is None or generic is None:
        line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    else:
        # A word that does not match with the rest of the text in view does not within its
        # sentence either (a sentence ends before a space): neither its line need be split
        # nor its sentence tried.
        signing = [at for at in signing if patterns.signing.match(text, at)]
        generic = [at for at in generic if patterns.generic.match(text, at)]
        line_starts = sorted({text.rfind("\n", 0, at) + 1 for at in signing + generic})
    sentences = []
    for line_start in line_starts:
        for a, b in lines.line(line_start)[0]:
            signs = _found_in(patterns.signing, text, a, b, signing)
            generic_noun = _found_in(patterns.generic, text, a, b, generic)
            if signs or generic_noun:
                sentences.append(_Sentence(a, b, signs, generic_noun))
    return sentences


def _found_in(
    pattern: re.Pattern[str], text: str, start: int, end: int, offsets: list[int] | None
) -> bool:
    """Whether ``pattern`` matches in [start, end). A match begins with a literal beginning
    of its vocabulary, so only ``offsets``, where those occur, are tried (None: search)."""
    if offsets is None:
        return pattern.search(text, start, end) is not None
    index = bisect_left(offsets, start)
    while index < len(offsets) and offsets[index] < end:
        if pattern.match(text, offsets[index], end):
            return True
        index += 1
    return False


def _signing_sentences(read: list[_Sentence], lines: LineSentences) -> list[tuple[int, int]]:
    """Sentences that sign, and each one right after a sentence that signs "documents"."""
    signing: set[tuple[int, int]] = set()
    for sentence in read:
        if not sentence.signs:
            continue
        signing.add((sentence.start, sentence.end))
        if sentence.generic:
            following = lines.following((sentence.start, sentence.end))
            if following is not None:
                signing.add(following)
    return sorted(signing)


# -------------------------------------------------------------- signing sentences together


class _SigningSentences:
    """Sentences read together: their lower case joined into one string, so that a literal
    is looked up once for all of them rather than once in each."""

    def __init__(self, article: _Article, bounds: list[tuple[int, int]]) -> None:
        self.article = article
        self.bounds = bounds
        self.joined: str | None = None
        self.starts: list[int] = []  # where each sentence begins in ``joined``
        if article.lower is not None:
            # a line break: no literal holds one, so none is found across two sentences
            self.joined = "\n".join(article.lower[a:b] for a, b in bounds)
            self.starts = list(accumulate((b - a + 1 for a, b in bounds[:-1]), initial=0))

    def occurrences(self, literal: str) -> Iterator[tuple[int, int]]:
        """(index of the sentence, offset in the article) of each occurrence of ``literal``."""
        assert self.joined is not None
        if not has_letters(self.joined, literal):
            return
        at = self.joined.find(literal)
        while at >= 0:
            index = bisect_right(self.starts, at) - 1
            yield index, self.bounds[index][0] + at - self.starts[index]
            at = self.joined.find(literal, at + 1)

    def holding(self, literals: Iterable[str]) -> list[bool]:
        """Which sentences hold one of ``literals`` (all of them when that is unknown)."""
        if self.joined is None:
            return [True] * len(self.bounds)
        holding = [False] * len(self.bounds)
        for literal in literals:
            for index, _ in self.occurrences(literal):
                holding[index] = True
        return holding

    def nouns(
        self,
        table: tuple[tuple[str, re.Pattern[str]], ...],
        starts: _NounStarts,
        chosen: list[bool],
    ) -> list[list[tuple[str, re.Match[str]]]]:
        """For each chosen sentence, the nouns of each kind, kind after kind, as ``finditer``
        finds them; a kind is tried only where one of its literal beginnings stands."""
        text = self.article.text
        # sentence -> kind -> where a literal beginning of the kind's nouns stands
        positions: list[dict[int, list[int]]] = [{} for _ in self.bounds]
        if self.joined is not None and any(chosen):
            for literal, kind in starts.literals:
                for index, at in self.occurrences(literal):
                    if chosen[index]:
                        positions[index].setdefault(kind, []).append(at)
        # kinds searched everywhere: a form of theirs has no literal beginning
        everywhere = [index for index, literals in enumerate(starts.starts) if literals is None]
        found = []
        for (start, end), choose, at in zip(self.bounds, chosen, positions, strict=True):
            nouns: list[tuple[str, re.Match[str]]] = []
            tried = range(len(table)) if self.joined is None else sorted({*at, *everywhere})
            for index in tried if choose else ():
                kind, pattern = table[index]
                if index in at:
                    matches = _matches_at(pattern, text, end, sorted(at[index]))
                else:
                    matches = list(pattern.finditer(text, start, end))
                nouns += [(kind, match) for match in matches]
            found.append(nouns)
        return found


def _matches_at(
    pattern: re.Pattern[str], text: str, end: int, positions: list[int]
) -> list[re.Match[str]]:
    """What ``pattern.finditer`` finds before ``end`` when its matches can begin only at
    ``positions`` (sorted): the first that matches, then the first after its end, and so on."""
    matches = []
    resume = 0
    for position in positions:
        if position >= resume and (match := pattern.match(text, position, end)):
            matches.append(match)
            resume = match.end()
    return matches


def _head_final_language(language: str | None) -> bool:
    return bool(language) and re.split(r"[-_]", language.lower())[0] in ("kk", "uz")


def _head_final_sentences(batch: _SigningSentences, language: str | None) -> list[bool]:
    """Kazakh and Uzbek sentences put the title before the noun: the language hint tells,
    else the letters of the sentence."""
    if _head_final_language(language):
        return [True] * len(batch.bounds)
    text = batch.article.text
    return [
        may and _TURKIC.search(text[start:end]) is not None
        for (start, end), may in zip(batch.bounds, batch.holding(_TURKIC_CUES), strict=True)
    ]


# ------------------------------------------------------------------------- head-first titles


def _nominative(title: str, noun_start: int, noun_end: int) -> str:
    """The noun (and a feminine adjective before it) back in the nominative."""
    head = title[noun_start:noun_end]
    normalised = " ".join(_nominative_word(word) for word in head.split())
    lead = title[:noun_start]
    if normalised != head and normalised.lower().endswith(("а", "я")):
        lead = " ".join(_FEMININE_ADJECTIVE.sub(r"\1ая", w) for w in lead.split())
        lead = lead + " " if lead else ""
    return (lead + normalised + title[noun_end:]).strip()


def _nominative_word(word: str) -> str:
    oblique = _OBLIQUE.match(word)
    if oblique is None:
        return word
    # each form has one group: the group that took part tells the form (no other form
    # matches a word one of them has put back in the nominative)
    pattern, replacement = _NOMINATIVE[oblique.lastindex - 1]
    return pattern.sub(replacement, word)


def _leading(text: str, sentence_start: int, noun_start: int) -> int:
    """Where a head-first title starts: up to two title adjectives before the noun."""
    patterns = _patterns()
    # Atoms are read from the sentence's start (a quoted name read from its middle would not
    # be one); only the first and the last two are kept.
    first = _ATOM.search(text, sentence_start, noun_start)
    if first is None:
        return noun_start
    last_two = deque(_ATOM.finditer(text, first.start(), noun_start), maxlen=2)
    start = noun_start
    for position, atom in enumerate(reversed(last_two)):
        word = atom.group()
        if word in _BOUNDARY_MARKS:
            break
        first_of_sentence = atom.start() == first.start()
        capital = word[:1].isupper()
        adjectival = patterns.title_adjective.match(word) or (
            capital and _ADJECTIVE_ENDING.search(word)
        )
        english_name = capital and word.isascii() and word.isalpha() and not first_of_sentence
        # the stop words last: the largest pattern, and most words are no adjective anyway
        if not (adjectival or english_name) or patterns.head_first_stop.match(word):
            break
        if position == 1 and start != last_two[-1].start():
            break
        start = atom.start()
    return start


def _complement_end(
    text: str, noun_end: int, sentence_end: int, lower: str | None
) -> tuple[int, bool]:
    """Where a head-first title ends, and whether a relative pronoun cut it short.

    ``lower``, the text in lower case when that stands for matching case-insensitively,
    lets most words pass without trying the stop words and coordinators on them."""
    patterns = _patterns()
    stops, coordinators = patterns.head_first_stop_gate, patterns.coordinator_gate
    either = patterns.title_end_gate
    end = noun_end
    # A title runs over at most _MAX_TITLE_ATOMS atoms, read as far as the title goes. The
    # atoms are matches here, not _Atom: a title reads dozens of them. Lower case has the
    # same atoms, read in lower case for the gates.
    source = text if lower is None else lower
    for atom in islice(_ATOM.finditer(source, noun_end, sentence_end), _MAX_TITLE_ATOMS):
        word = atom.group()
        if word in _BOUNDARY_MARKS:
            break
        if lower is None or either.admits(word):
            word_start, word_end = atom.span()
            word_lower = None if lower is None else word
            if stops.admits(word_lower) and patterns.head_first_stop.match(text, word_start):
                return end, patterns.relative.match(text, word_start) is not None
            if (
                coordinators.admits(word_lower)
                and patterns.coordinator.match(text[word_start:word_end])
                and _document_follows(text, word_end, sentence_end)
            ):
                break
        end = atom.end()
    return end, False


def _document_follows(text: str, start: int, end: int) -> bool:
    """A document noun next, perhaps after an article: "... and a memorandum", "и Соглашение"."""
    following = list(islice(_ATOM.finditer(text, start, end), 2))
    if following and following[0].group().lower() in ("a", "an", "the"):
        following = following[1:]
    return bool(following) and _patterns().any_noun.match(text, following[0].start()) is not None


def _head_first_nouns(
    text: str, end: int, nouns: list[tuple[str, re.Match[str]]]
) -> list[tuple[str, re.Match[str], bool]]:
    """The head-first nouns of a sentence, each with whether it heads an inline list."""
    return [(kind, match, _is_list_heading(text, match.end(), end)) for kind, match in nouns]


def _head_first_titles(
    text: str,
    start: int,
    end: int,
    nouns: list[tuple[str, re.Match[str], bool]],
    lower: str | None,
) -> list[tuple[str, str, int, int]]:
    titles: list[tuple[str, str, int, int]] = []
    for kind, match, heads_list in nouns:
        if heads_list:
            continue
        title_end, cut = _complement_end(text, match.end(), end, lower)
        if cut:
            continue
        title_start = _leading(text, start, match.start())
        if len(text[title_start:title_end].split()) < 2:
            continue
        title = _nominative(
            text[title_start:title_end], match.start() - title_start, match.end() - title_start
        )
        titles.append((kind, title, title_start, title_end))
    return titles


# ------------------------------------------------------------------------ head-final titles


def _possessive_form(word: str) -> str:
    """ "келісімге" -> "келісім", "дастурини" -> "дастури": case endings off, possessive kept."""
    lowered = word.lower()
    for stem in sorted(_HEAD_FINAL_STEMS, key=len, reverse=True):
        if lowered.startswith(stem):
            rest = lowered[len(stem) :]
            possessive = re.match(r"(?:сы|сі|си|si|ы|і|и|i)(?![а-яa-z]*(?:лар|лер|lar))", rest)
            keep = len(stem) + (possessive.end() if possessive else 0)
            return word[:keep]
    return word


def _left_edge(text: str, sentence_start: int, noun_start: int) -> int | None:
    patterns = _patterns()
    atoms = _atoms(text, sentence_start, noun_start)
    taken: list[_Atom] = []
    for index in range(len(atoms) - 1, -1, -1):
        atom = atoms[index]
        if (
            atom.is_mark
            or patterns.head_final_stop.match(atom.text)
            or _PLURAL_SUBJECT.search(atom.text)
            or len(taken) >= _MAX_LEFT_ATOMS
        ):
            break
        previous = atoms[index - 1] if index > 0 else None
        if (
            patterns.coordinator.match(atom.text)
            and previous
            and _is_head_final_noun(previous.text)
        ):
            break
        taken.append(atom)
    while taken and patterns.head_final_leading.match(taken[-1].text):
        taken.pop()
    return taken[-1].start if taken else None


def _is_head_final_noun(word: str) -> bool:
    return any(pattern.fullmatch(word) for _, pattern in _patterns().head_final)


def _head_final_titles(
    text: str, start: int, nouns: list[tuple[str, re.Match[str]]]
) -> list[tuple[str, str, int, int]]:
    patterns = _patterns()
    titles: list[tuple[str, str, int, int]] = []
    for kind, match in nouns:
        if patterns.head_final_plural.match(match.group()):
            continue
        title_start = _left_edge(text, start, match.start())
        if title_start is None:
            continue
        modifier = text[title_start : match.start()]
        if len(modifier.split()) < 2 and not re.search(r"[«“\"„]", modifier):
            continue
        noun_words = match.group().split()
        noun_words[-1] = _possessive_form(noun_words[-1])
        titles.append((kind, modifier + " ".join(noun_words), title_start, match.end()))
    return titles


# ------------------------------------------------------------------------------------ lists


def _is_list_heading(text: str, noun_end: int, sentence_end: int) -> bool:
    """A noun followed, before any other stop, by a colon and items ("решения Совета: о ...")."""
    colon = text.find(":", noun_end, sentence_end)
    if colon < 0:
        return False
    between = text[noun_end:colon]
    return not _LIST_HEADING_STOP.search(between) and len(between.split()) <= 8


_LIST_HEADING_STOP = re.compile(r"[.;!?]")
_SINGULAR = {
    "agreement": "Соглашение",
    "memorandum": "Меморандум",
    "decision": "Решение",
    "programme": "Программа",
    "roadmap": "Дорожная карта",
    "concept": "Концепция",
    "declaration": "Декларация",
    "plan": "План",
    "protocol": "Протокол",
    "treaty": "Договор",
    "contract": "Контракт",
}
_RUSSIAN_START = re.compile(r"[а-яё]", re.IGNORECASE)
# An item of an inline list: a complement ("о создании ...", "on ...").
_LIST_ITEM = re.compile(r"(?:о|об|обо|по|on|of)\s", re.IGNORECASE)


def _singular_head(kind: str, noun: str) -> str:
    return (
        _SINGULAR[kind]
        if _RUSSIAN_START.match(noun)
        else noun[:1].upper() + noun[1:].rstrip("s")
    )


def _inline_list(
    text: str, end: int, nouns: list[tuple[str, re.Match[str], bool]]
) -> list[tuple[str, str, int, int]]:
    """Plural head-first noun, a colon, and complements split by semicolons."""
    items: list[tuple[str, str, int, int]] = []
    for kind, match, heads_list in nouns:
        if not heads_list:
            continue
        colon = text.find(":", match.end(), end)
        modifiers = " ".join(text[match.end() : colon].split())
        head = _singular_head(kind, match.group())
        offset = colon + 1
        for piece in text[colon + 1 : end].split(";"):
            item_start = offset + len(piece) - len(piece.lstrip())
            item = piece.strip().rstrip(".")
            offset += len(piece) + 1
            if not _LIST_ITEM.match(item):
                continue
            title = " ".join(p for p in (head, modifiers, item) if p)
            items.append((kind, title, item_start, item_start + len(item)))
    return items


def _line_list(text: str, heading_end: int) -> list[tuple[str | None, str, int, int]]:
    """One document per line after a heading that ends with a colon."""
    items: list[tuple[str | None, str, int, int]] = []
    position = text.find("\n", heading_end)
    while 0 <= position < len(text):
        end = line_end(text, position + 1)
        line = text[position + 1 : end]
        position = end
        if not line.strip():
            if items:
                break
            continue
        bullet = _BULLET.match(line)
        body_start = position - len(line) + (bullet.end() if bullet else 0)
        body = text[body_start:end].strip().rstrip(";.,")
        kind = _kind_of(body)
        if len(body) > 300 or (kind is None and not (bullet and bullet.group().strip())):
            break
        items.append((kind, body, body_start, body_start + len(body)))
    return items


def _kind_of(title: str) -> str | None:
    for table in (_patterns().head_first, _patterns().head_final):
        for kind, pattern in table:
            if pattern.search(title):
                return kind
    return None


def _line_list_headings(text: str, read: list[_Sentence]) -> list[int]:
    """Sentences with a signing verb or a document noun that end a line with a colon."""
    headings = []
    for sentence in read:
        end = line_end(text, sentence.end)
        if text[sentence.end - 1] == ":" and not text[sentence.end : end].strip():
            headings.append(sentence.end)
    return headings


# ------------------------------------------------------------------------------------ count


def _stated_counts(article: _Article, signing: list[tuple[int, int]]) -> list[int]:
    counts = []
    text = article.text
    counted_noun = _patterns().counted_noun
    for start, end in signing:
        # The noun counted follows the number on its line, perhaps past the sentence's end
        # ("Подписано 15. Документы ..."); a sentence whose line has none states no count.
        if not occurs_in(article.generic, start, line_end(text, end)):
            continue
        for amount in find_folded_amounts(text[start:end]):
            if not amount.is_integer or not 0 < amount.value <= _MAX_COUNT:
                continue
            if counted_noun.match(text, start + amount.span.end):
                counts.append(int(amount.value))
    return counts


# ------------------------------------------------------------------------------------ entry


def find_documents(
    text: str, language: str | None = None
) -> tuple[list[DocumentMention], int | None]:
    """Documents signed or adopted in ``text``, and their stated count when there is one."""
    article = _Article.of(fold(text))
    folded = article.text
    lines = LineSentences(folded)
    read = _read_sentences(article, lines)
    signing = _signing_sentences(read, lines)
    found: list[tuple[str | None, str, int, int]] = []
    for heading_end in _line_list_headings(folded, read):
        found += _line_list(folded, heading_end)
    patterns = _patterns()
    batch = _SigningSentences(article, signing)
    head_final = _head_final_sentences(batch, language)
    head_first = [not final for final in head_final]
    final_nouns = batch.nouns(patterns.head_final, patterns.head_final_starts, head_final)
    first_nouns = batch.nouns(patterns.head_first, patterns.head_first_starts, head_first)
    for index, (start, end) in enumerate(signing):
        if not (final_nouns[index] or first_nouns[index]):
            continue  # no document noun, no title
        if head_final[index]:
            found += _head_final_titles(folded, start, final_nouns[index])
        else:
            nouns = _head_first_nouns(folded, end, first_nouns[index])
            found += _inline_list(folded, end, nouns)
            found += _head_first_titles(folded, start, end, nouns, article.lower)
    documents = _unique(text, folded, found)
    counts = _stated_counts(article, signing)
    count = max(counts) if counts else None
    if count is not None and count < len(documents):
        count = None
    return documents, count


def _unique(
    text: str, folded: str, found: list[tuple[str | None, str, int, int]]
) -> list[DocumentMention]:
    """One mention per title, in text order; a title inside a longer one's span is dropped."""
    found.sort(key=lambda f: (f[2], -(f[3] - f[2])))
    documents: list[DocumentMention] = []
    seen: set[str] = set()
    # Every span kept so far starts at or before this one: it lies inside one of them when
    # it ends no later than the farthest of their ends.
    reach = -1
    for kind, title, start, end in found:
        if end <= reach:
            continue
        key = " ".join(title.casefold().split())
        if key in seen:
            continue
        seen.add(key)
        reach = max(reach, end)
        title = _restore(text, folded, title, start, end)
        documents.append(
            DocumentMention(title=title, span=Span(start, end, text[start:end]), kind=kind)
        )
    return documents


def _restore(text: str, folded: str, title: str, start: int, end: int) -> str:
    """Titles are built on folded text; give back the article's own letters where unchanged."""
    return text[start:end] if title == folded[start:end] else title
