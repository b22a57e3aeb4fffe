"""Near-duplicates: syndicated copies and reprints, recognised by MinHash over word shingles.

A copy counts as coverage but not as independent confirmation. Words are folded to the
script-independent matching key of ``workers.extract.normalize`` when it is available, so the
Latin and Cyrillic editions of one Uzbek outlet produce the same shingles.

Signatures are stored with the article, so everything that shapes them (shingle size, word
hashing, the permutations) is deterministic across processes and machines: no use of
Python's salted ``hash``.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

SHINGLE_WORDS = 3
DEFAULT_NUM_PERM = 64
DEFAULT_THRESHOLD = 0.8
# The slot value of a text without a single word: above every 32-bit hash.
EMPTY_SLOT = 2**32
# Shingles processed per block: bounds memory on very long texts.
BLOCK = 8192
_MIX = np.uint64(0x9E3779B1)
_MASK = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_PLAIN_WORD_RE = re.compile(r"[^\W_]+")


def signature(text: str, num_perm: int = DEFAULT_NUM_PERM) -> list[int]:
    """The MinHash signature of a text: ``num_perm`` integers below 2**32."""
    shingles = _shingles(text)
    if shingles.size == 0:
        return [EMPTY_SLOT] * num_perm
    a, b = _permutations(num_perm)
    minima = np.full(num_perm, EMPTY_SLOT, dtype=np.uint64)
    for start in range(0, shingles.size, BLOCK):
        block = shingles[start : start + BLOCK]
        # Multiply-shift hashing: the product wraps modulo 2**64 by design.
        hashed = (a[:, None] * block[None, :] + b[:, None]) >> _SHIFT
        np.minimum(minima, hashed.min(axis=1), out=minima)
    return minima.tolist()


def similarity(a: str | Sequence[int], b: str | Sequence[int]) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets, from texts or signatures.

    Signatures of different lengths (made with another ``num_perm``) are not comparable: 0.
    """
    sig_a, sig_b = _signatures(a, b)
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    if all(v == EMPTY_SLOT for v in sig_a) or all(v == EMPTY_SLOT for v in sig_b):
        return 0.0
    return sum(x == y for x, y in zip(sig_a, sig_b, strict=True)) / len(sig_a)


def is_near_duplicate(
    a: str | Sequence[int], b: str | Sequence[int], threshold: float = DEFAULT_THRESHOLD
) -> bool:
    return similarity(a, b) >= threshold


def near_duplicates(
    signature_: Sequence[int], others: Sequence[Sequence[int] | None], threshold: float = DEFAULT_THRESHOLD
) -> list[bool]:
    """``is_near_duplicate(signature_, other)`` for each of ``others``, compared in one step
    rather than pair by pair. A missing signature resembles nothing."""
    similarities = np.zeros(len(others))
    width = len(signature_)
    rows = [i for i, other in enumerate(others) if other is not None and width and len(other) == width]
    own = np.asarray(signature_, dtype=np.int64)
    if rows and not (own == EMPTY_SLOT).all():
        matrix = np.stack([np.asarray(others[i], dtype=np.int64) for i in rows])
        shared = (matrix == own).sum(axis=1) / width
        # A text without a single word resembles nothing, not even another such text.
        shared[(matrix == EMPTY_SLOT).all(axis=1)] = 0.0
        similarities[rows] = shared
    return (similarities >= threshold).tolist()


@lru_cache(maxsize=4096)
def stored_signature(raw: str) -> np.ndarray | None:
    """A signature as the database stores it (JSON text), decoded: a new article is compared
    with the same stored signatures as the one before it, so each is decoded once."""
    values = json.loads(raw)
    if values is None:
        return None
    decoded = np.asarray(values, dtype=np.int64)
    decoded.flags.writeable = False
    return decoded


def _signatures(a: str | Sequence[int], b: str | Sequence[int]) -> tuple[list[int], list[int]]:
    """Both as signatures; a text is signed with as many permutations as the other side has."""
    if isinstance(a, str) and isinstance(b, str):
        return signature(a), signature(b)
    if isinstance(a, str):
        return signature(a, len(b)), list(b)
    if isinstance(b, str):
        return list(a), signature(b, len(a))
    return list(a), list(b)


def _shingles(text: str) -> np.ndarray:
    """Distinct hashes of every run of ``SHINGLE_WORDS`` folded words."""
    word_re, fold = _folding()
    words = word_re.findall(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    vocabulary = {w: zlib.crc32(fold(w).encode()) for w in set(words)}
    ids = np.fromiter((vocabulary[w] for w in words), dtype=np.uint64, count=len(words))
    width = min(SHINGLE_WORDS, ids.size)
    count = ids.size - width + 1
    hashes = ids[:count].copy()
    for offset in range(1, width):
        hashes = (hashes * _MIX + ids[offset : offset + count]) & _MASK
    return np.unique(hashes)


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed (a, b) pairs of the multiply-shift family (a*x + b mod 2**64) >> 32, a odd,
    derived from their index."""
    pairs = []
    for i in range(num_perm):
        digest = hashlib.blake2b(f"summitwatch-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") | 1
        b = int.from_bytes(digest[8:], "big")
        pairs.append((a, b))
    a_values = np.array([p[0] for p in pairs], dtype=np.uint64)
    b_values = np.array([p[1] for p in pairs], dtype=np.uint64)
    a_values.flags.writeable = False
    b_values.flags.writeable = False
    return a_values, b_values


@lru_cache(maxsize=1)
def _folding() -> tuple[re.Pattern[str], Callable[[str], str]]:
    """The word pattern and the word folding: the extractor's script-independent keys when
    that module is installed, else lower case."""
    try:
        from workers.extract import normalize
    except ImportError:
        return _PLAIN_WORD_RE, str.casefold
    word_re = getattr(normalize, "WORD_RE", _PLAIN_WORD_RE)
    fold = getattr(normalize, "fold_key", str.casefold)
    return word_re, fold
