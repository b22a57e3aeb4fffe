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

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from workers.extract._grammar import document_words as words
from workers.extract._grammar.text import SPACE, Cue, fold, lowered, occurs_in, sentence_bounds
from workers.extract.numbers import find_amounts
from workers.records import DocumentMention, Span

_MAX_TITLE_ATOMS = 30
_MAX_LEFT_ATOMS = 14
_MAX_COUNT = 500
# Letters only Kazakh or Uzbek Cyrillic use, and Uzbek Latin spellings.
# (A letter right before the ending is a word of two letters or more ending so; written
# without "\b\w+", which would retry every word start of the sentence.)
_TURKIC = re.compile(r"[әғқңөұүһіўҳ]|\w(?:ning|lari|larni|dagi)\b|\b[og]'\w", re.IGNORECASE)
# A word, a quoted name (kept whole: its dashes and spaces are the name's), or one mark.
_ATOM = re.compile(
    r"«[^»\n]*»|“[^”\n]*”|„[^“”\n]*[“”]|\"[^\"\n]*\""
    r"|[^\W_](?:[\w']|-(?=\w)|[–—](?=\d))*"
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
_FEMININE_ADJECTIVE = re.compile(r"(\w+)(?:ую|ой)$")
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
    relative: re.Pattern[str]
    head_final_stop: re.Pattern[str]
    head_final_leading: re.Pattern[str]
    coordinator: re.Pattern[str]
    title_adjective: re.Pattern[str]
    any_noun: re.Pattern[str]
    # Literal beginnings of the vocabularies searched sentence by sentence.
    head_first_cues: tuple[Cue, ...]
    head_final_cues: tuple[Cue, ...]
    generic_cue: Cue
    signing_cue: Cue


def _alternatives(forms: list[str]) -> str:
    # the text is folded before matching, so the vocabulary is folded too
    return "(?:" + "|".join(fold(f) for f in forms) + ")"


def _search(forms: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){_alternatives(forms)}(?![\w'])", re.IGNORECASE)


def _at_start(forms: list[str]) -> re.Pattern[str]:
    return re.compile(rf"{_alternatives(forms)}(?![\w'])", re.IGNORECASE)


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
        relative=_at_start(words.RELATIVES),
        head_final_stop=re.compile(rf"^{_alternatives(words.HEAD_FINAL_STOPS)}$", re.IGNORECASE),
        head_final_leading=re.compile(
            rf"^{_alternatives(words.HEAD_FINAL_LEADING)}$", re.IGNORECASE
        ),
        coordinator=re.compile(rf"^{_alternatives(words.COORDINATORS)}$", re.IGNORECASE),
        title_adjective=re.compile(rf"^{_alternatives(words.TITLE_ADJECTIVES)}$", re.IGNORECASE),
        any_noun=_at_start(every_noun),
        head_first_cues=tuple(Cue.of(forms) for forms in words.HEAD_FIRST_NOUNS.values()),
        head_final_cues=tuple(Cue.of(forms) for forms in words.HEAD_FINAL_NOUNS.values()),
        generic_cue=Cue.of(words.GENERIC_NOUNS),
        signing_cue=Cue.of(words.SIGNING_VERBS),
    )


@dataclass(frozen=True, slots=True)
class _Cues:
    """Where the signing and document words may occur in the article (None: anywhere); the
    lower-cased article, to look for the document nouns in the few signing sentences."""

    lower: str | None
    generic: list[int] | None
    signing: list[int] | None

    def kinds(self, cues: tuple[Cue, ...], start: int, end: int) -> list[bool]:
        """For each kind's cue, whether a noun of that kind may stand in [start, end)."""
        if self.lower is None:
            return [True] * len(cues)
        sentence = self.lower[start:end]
        return [cue.starts is None or any(s in sentence for s in cue.starts) for cue in cues]


def _cues(text: str) -> _Cues:
    patterns = _patterns()
    lower = lowered(text)
    return _Cues(
        lower=lower,
        generic=patterns.generic_cue.offsets(lower),
        signing=patterns.signing_cue.offsets(lower),
    )


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    text: str

    @property
    def is_mark(self) -> bool:
        return self.text in _BOUNDARY_MARKS


def _atoms(text: str, start: int, end: int, limit: int | None = None) -> list[_Atom]:
    matches = _ATOM.finditer(text, start, end)
    return [_Atom(m.start(), m.end(), m.group()) for m in islice(matches, limit)]


# ------------------------------------------------------------------------ signing context


def _signing_sentences(text: str, bounds: tuple[tuple[int, int], ...], cues: _Cues) -> list[bool]:
    patterns = _patterns()
    signs = [
        occurs_in(cues.signing, a, b) and patterns.signing.search(text, a, b) is not None
        for a, b in bounds
    ]
    generic = [
        occurs_in(cues.generic, a, b) and patterns.generic.search(text, a, b) is not None
        for a, b in bounds
    ]
    return [signs[i] or (i > 0 and signs[i - 1] and generic[i - 1]) for i in range(len(bounds))]


def _head_final(sentence: str, language: str | None) -> bool:
    """Kazakh and Uzbek sentences put the title before the noun: letters tell, else the hint."""
    if _TURKIC.search(sentence):
        return True
    return bool(language) and re.split(r"[-_]", language.lower())[0] in ("kk", "uz")


# ------------------------------------------------------------------------- head-first titles


def _nominative(title: str, noun_start: int, noun_end: int) -> str:
    """The noun (and a feminine adjective before it) back in the nominative."""
    head = title[noun_start:noun_end]
    parts = head.split()
    for pattern, replacement in _NOMINATIVE:
        parts = [pattern.sub(replacement, p) for p in parts]
    normalised = " ".join(parts)
    lead = title[:noun_start]
    if normalised != head and normalised.lower().endswith(("а", "я")):
        lead = " ".join(_FEMININE_ADJECTIVE.sub(r"\1ая", w) for w in lead.split())
        lead = lead + " " if lead else ""
    return (lead + normalised + title[noun_end:]).strip()


def _leading(text: str, sentence_start: int, noun_start: int) -> int:
    """Where a head-first title starts: up to two title adjectives before the noun."""
    patterns = _patterns()
    atoms = _atoms(text, sentence_start, noun_start)
    start = noun_start
    for position, atom in enumerate(reversed(atoms[-2:])):
        word = atom.text
        first_of_sentence = atom is atoms[0]
        adjectival = patterns.title_adjective.match(word) or (
            word[:1].isupper() and re.search(r"(?:ое|ее|ый|ий|ой|ая|яя|ую|юю|ые|ие)$", word)
        )
        english_name = (
            word[:1].isupper() and word.isascii() and word.isalpha() and not first_of_sentence
        )
        if atom.is_mark or patterns.head_first_stop.match(word) or not (adjectival or english_name):
            break
        if position == 1 and start != atoms[-1].start:
            break
        start = atom.start
    return start


def _complement_end(text: str, noun_end: int, sentence_end: int) -> tuple[int, bool]:
    """Where a head-first title ends, and whether a relative pronoun cut it short."""
    patterns = _patterns()
    end = noun_end
    # A title runs over at most _MAX_TITLE_ATOMS atoms; two more tell what follows it.
    atoms = _atoms(text, noun_end, sentence_end, _MAX_TITLE_ATOMS + 2)
    for index, atom in enumerate(atoms[:_MAX_TITLE_ATOMS]):
        if atom.is_mark:
            break
        if patterns.head_first_stop.match(text, atom.start):
            return end, patterns.relative.match(text, atom.start) is not None
        if patterns.coordinator.match(atom.text) and _document_follows(
            text, atoms[index + 1 : index + 3]
        ):
            break
        end = atom.end
    return end, False


def _document_follows(text: str, following: list[_Atom]) -> bool:
    """A document noun next, perhaps after an article: "... and a memorandum", "и Соглашение"."""
    if following and following[0].text.lower() in ("a", "an", "the"):
        following = following[1:]
    return bool(following) and _patterns().any_noun.match(text, following[0].start) is not None


def _head_first_titles(text: str, start: int, end: int, cues: _Cues) -> list[tuple[str, str, int, int]]:
    titles: list[tuple[str, str, int, int]] = []
    present = cues.kinds(_patterns().head_first_cues, start, end)
    for (kind, pattern), may_occur in zip(_patterns().head_first, present, strict=True):
        if not may_occur:
            continue
        for match in pattern.finditer(text, start, end):
            if _is_list_heading(text, match.end(), end):
                continue
            title_end, cut = _complement_end(text, match.end(), end)
            title_start = _leading(text, start, match.start())
            if cut or len(text[title_start:title_end].split()) < 2:
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


def _head_final_titles(text: str, start: int, end: int, cues: _Cues) -> list[tuple[str, str, int, int]]:
    titles: list[tuple[str, str, int, int]] = []
    present = cues.kinds(_patterns().head_final_cues, start, end)
    for (kind, pattern), may_occur in zip(_patterns().head_final, present, strict=True):
        if not may_occur:
            continue
        for match in pattern.finditer(text, start, end):
            if _patterns().head_final_plural.match(match.group()):
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
    return not re.search(r"[.;!?]", between) and len(between.split()) <= 8


def _singular_head(kind: str, noun: str) -> str:
    singular = {
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
    return (
        singular[kind]
        if re.match(r"[а-яё]", noun, re.IGNORECASE)
        else noun[:1].upper() + noun[1:].rstrip("s")
    )


def _inline_list(text: str, start: int, end: int, cues: _Cues) -> list[tuple[str, str, int, int]]:
    """Plural head-first noun, a colon, and complements split by semicolons."""
    items: list[tuple[str, str, int, int]] = []
    present = cues.kinds(_patterns().head_first_cues, start, end)
    for (kind, pattern), may_occur in zip(_patterns().head_first, present, strict=True):
        if not may_occur:
            continue
        for match in pattern.finditer(text, start, end):
            if not _is_list_heading(text, match.end(), end):
                continue
            colon = text.find(":", match.end(), end)
            modifiers = " ".join(text[match.end() : colon].split())
            head = _singular_head(kind, match.group())
            offset = colon + 1
            for piece in re.split(r";", text[colon + 1 : end]):
                item_start = offset + len(piece) - len(piece.lstrip())
                item = piece.strip().rstrip(".")
                offset += len(piece) + 1
                if not re.match(r"(?:о|об|обо|по|on|of)\s", item, re.IGNORECASE):
                    continue
                title = " ".join(p for p in (head, modifiers, item) if p)
                items.append((kind, title, item_start, item_start + len(item)))
    return items


def _line_list(text: str, heading_end: int) -> list[tuple[str | None, str, int, int]]:
    """One document per line after a heading that ends with a colon."""
    items: list[tuple[str | None, str, int, int]] = []
    position = text.find("\n", heading_end)
    while 0 <= position < len(text):
        line_end = text.find("\n", position + 1)
        line_end = len(text) if line_end < 0 else line_end
        line = text[position + 1 : line_end]
        position = line_end
        if not line.strip():
            if items:
                break
            continue
        bullet = _BULLET.match(line)
        body_start = position - len(line) + (bullet.end() if bullet else 0)
        body = text[body_start:line_end].strip().rstrip(";.,")
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


def _line_list_headings(text: str, bounds: tuple[tuple[int, int], ...]) -> list[int]:
    patterns = _patterns()
    headings = []
    for start, end in bounds:
        if text[end - 1] != ":" or text[end:].split("\n", 1)[0].strip():
            continue
        if patterns.generic.search(text, start, end) or patterns.signing.search(text, start, end):
            headings.append(end)
    return headings


# ------------------------------------------------------------------------------------ count


def _stated_counts(
    text: str, bounds: tuple[tuple[int, int], ...], signing: list[bool]
) -> list[int]:
    counts = []
    # match() anchors at the position given; "^" would not
    generic = re.compile(
        rf"\.?(?:{SPACE}+(?:та|ta|\w+))?{SPACE}+{_alternatives(words.GENERIC_NOUNS)}", re.IGNORECASE
    )
    for (start, end), signs in zip(bounds, signing, strict=True):
        if not signs:
            continue
        for amount in find_amounts(text[start:end]):
            if not amount.is_integer or not 0 < amount.value <= _MAX_COUNT:
                continue
            if generic.match(text, start + amount.span.end):
                counts.append(int(amount.value))
    return counts


# ------------------------------------------------------------------------------------ entry


def find_documents(
    text: str, language: str | None = None
) -> tuple[list[DocumentMention], int | None]:
    """Documents signed or adopted in ``text``, and their stated count when there is one."""
    folded = fold(text)
    bounds = sentence_bounds(folded)
    cues = _cues(folded)
    signing = _signing_sentences(folded, bounds, cues)
    found: list[tuple[str | None, str, int, int]] = []
    for heading_end in _line_list_headings(folded, bounds):
        found += _line_list(folded, heading_end)
    for (start, end), signs in zip(bounds, signing, strict=True):
        if not signs:
            continue
        if _head_final(folded[start:end], language):
            found += _head_final_titles(folded, start, end, cues)
        else:
            found += _inline_list(folded, start, end, cues) + _head_first_titles(folded, start, end, cues)
    documents = _unique(text, folded, found)
    counts = _stated_counts(folded, bounds, signing)
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
    spans: list[tuple[int, int]] = []
    for kind, title, start, end in found:
        key = " ".join(title.casefold().split())
        if key in seen or any(a <= start and end <= b for a, b in spans):
            continue
        seen.add(key)
        spans.append((start, end))
        title = _restore(text, folded, title, start, end)
        documents.append(
            DocumentMention(title=title, span=Span(start, end, text[start:end]), kind=kind)
        )
    return documents


def _restore(text: str, folded: str, title: str, start: int, end: int) -> str:
    """Titles are built on folded text; give back the article's own letters where unchanged."""
    return text[start:end] if title == folded[start:end] else title
