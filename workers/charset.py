"""Charset detection for fetched bodies.

Central Asian sites still serve windows-1251 and KOI8-R, and often declare the wrong one (or
none). ``decode_body`` trusts declarations only as far as the bytes agree with them and
otherwise picks the candidate whose text reads as prose rather than mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# Single-byte encodings the region's sites actually use, in order of how common they are.
_REGIONAL_CHARSETS = ("cp1251", "koi8-r", "kz1048", "cp1252")
# Enough text to tell encodings apart; scoring a whole 10 MB page would add nothing.
_SAMPLE_BYTES = 64 * 1024

_CYRILLIC_LOWER = re.compile(r"[а-яёәғқңөұүһіўҳ]")
_LATIN_LOWER = re.compile(r"[a-zß-öø-ÿ]")
_UPPER_AFTER_LOWER = re.compile(r"[а-яёәғқңөұүһіўҳ][А-ЯЁӘҒҚҢӨҰҮҺІЎҲ]|[a-zß-öø-ÿ][À-ÖØ-Þ]")
_MIXED_SCRIPT = re.compile(r"[A-Za-zÀ-ÿ][Ѐ-ӿ]|[Ѐ-ӿ][A-Za-zÀ-ÿ]")
# What a wrong single-byte guess produces: C1 controls, box drawing, Serbian/Macedonian letters
# (no Central Asian orthography has them), stray symbols from the 0x80-0xBF rows.
_MOJIBAKE = re.compile(r"[\x80-\x9f\u2500-\u259fЂЃЉЊЌЋЏђѓљњќћџЅѕЈј¤¦¬®±µ¶ŠŽšžŒœŸ‰ˆ˜]")


def decode_body(
    body: bytes, content_type: str | None, forced: str | None = None
) -> tuple[str, str]:
    """Decodes a response body and names the encoding used.

    Order: a forced (per-source) charset; a byte-order mark; the HTTP header charset, then the
    XML declaration or ``<meta charset>``; then a statistical check. Declarations lie: a body
    that is valid UTF-8 is UTF-8 whatever it claims, and a body that does not decode under its
    declared charset, or decodes into mojibake, goes to the candidate that reads as real text.
    """
    if forced and _codec_name(forced):
        name = _codec_name(forced)
        return body.decode(name, errors="replace"), name
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name
    declared = _declared_charsets(body, content_type)
    if body.isascii():
        name = declared[0] if declared and _decodes(body, declared[0]) is not None else "utf-8"
        return body.decode(name, errors="replace"), name
    as_utf8 = _decodes(body, "utf-8")
    if as_utf8 is not None:
        return as_utf8, "utf-8"
    return _best_candidate(body, declared)


def _best_candidate(body: bytes, declared: list[str]) -> tuple[str, str]:
    sample = body[:_SAMPLE_BYTES]
    ranked = _rank(sample, _unique([*declared, *_REGIONAL_CHARSETS]))
    if not ranked or ranked[0][0] <= 0:
        # None of the usual suspects reads as text: let the statistical detector name one.
        ranked = _rank(
            sample, _unique([*declared, *_REGIONAL_CHARSETS, *_statistical_guess(sample)])
        )
    for _, _, name in ranked:
        text = _decodes(body, name)
        if text is not None:
            return text, name
    fallback = ranked[0][2] if ranked else (declared[0] if declared else "utf-8")
    return body.decode(fallback, errors="replace"), fallback


def _rank(sample: bytes, candidates: list[str]) -> list[tuple[float, int, str]]:
    """Candidates that decode the sample, best first; ties go to the earlier (declared) one."""
    scored = []
    for order, name in enumerate(candidates):
        try:
            # Incremental, so a multi-byte character cut at the sample's end is not an error.
            text = codecs.getincrementaldecoder(name)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        scored.append((plausibility(text), -order, name))
    return sorted(scored, reverse=True)


def plausibility(text: str) -> float:
    """How much a decoded text looks like prose rather than mojibake: lowercase letters count
    for it, case flips inside words, mixed-script words and stray symbols against it."""
    letters = len(_CYRILLIC_LOWER.findall(text)) + len(_LATIN_LOWER.findall(text))
    flips = len(_UPPER_AFTER_LOWER.findall(text))
    mixed = len(_MIXED_SCRIPT.findall(text))
    junk = len(_MOJIBAKE.findall(text)) + 10 * text.count("\ufffd")
    return letters - 2 * flips - 3 * mixed - 4 * junk


def _declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    found = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            found.append(match.group(1))
    head = body[:4096]
    for pattern in (_XML_DECLARATION, _META_CHARSET):
        match = pattern.search(head)
        if match:
            found.append(match.group(1).decode("ascii", errors="ignore"))
    return _unique(found)


def _statistical_guess(body: bytes) -> list[str]:
    best = from_bytes(body).best()
    return [best.encoding] if best is not None else []


def _unique(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        codec = _codec_name(name)
        # A declared UTF-16 on a byte-oriented page is always wrong (WHATWG treats it as UTF-8).
        if (
            codec
            and codec not in seen
            and not codec.startswith("utf-16")
            and not codec.startswith("utf-32")
        ):
            seen.append(codec)
    return seen


def _codec_name(name: str) -> str | None:
    aliases = {
        "windows-1251": "cp1251",
        "x-cp1251": "cp1251",
        "win-1251": "cp1251",
        "koi8r": "koi8-r",
    }
    try:
        return codecs.lookup(aliases.get(name.strip().lower(), name.strip())).name
    except LookupError:
        return None


def _decodes(body: bytes, name: str) -> str | None:
    try:
        return body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None
