"""A deterministic synthetic corpus for benchmarks, made from the seed texts.

Every page is derived from a seeded RNG and its number alone, so a page can be rebuilt on
request in any order and any process and comes out byte-identical: nothing is kept but the
small per-page spec (outlet, url, title, date, furniture).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

CORPUS_SEED = 20251115
# Synthetic items follow the seeds: the first one a day after the last seed.
CORPUS_START = datetime(2025, 11, 18, 8, 0)
CORPUS_STEP = timedelta(minutes=6)
# Page furniture adds 4-8 KB to the body: pages come out between about 5 and 60 KB.
MIN_BODY_BYTES = 400
MAX_BODY_BYTES = 51 * 1024

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class CorpusOutlet(Protocol):
    key: str
    timezone: str
    corpus_url: str


@dataclass(frozen=True, slots=True)
class OutletPool:
    """What the corpus may draw from for one outlet: the seed texts of its language."""

    language: str
    paragraphs: tuple[str, ...]
    furniture: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    key: str
    number: int
    outlet: str
    url: str
    title: str
    description: str
    published_at: datetime
    timezone: str
    language: str
    body_bytes: int
    furniture: Mapping[str, Any]


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s]


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"


def corpus_title(rng: random.Random, paragraphs: Sequence[str]) -> str:
    first = sentences(rng.choice(paragraphs))[0].strip("–- \"«»“”")
    return shorten(first.rstrip("."), 110)


def corpus_furniture(rng: random.Random, furniture: Mapping[str, Any]) -> dict[str, Any]:
    """The outlet's furniture, varied per page: fewer or more related items, tags, a poll."""
    varied = {
        name: value for name, value in furniture.items()
        if name not in {"moved_lines", "sidebar_from", "headline_prefix", "notes", "dateline",
                        "byline", "image_alt"}
    }
    related = list(furniture.get("related") or ())
    varied["related"] = rng.sample(related, rng.randint(0, len(related))) if related else []
    tags = list(furniture.get("tags") or ())
    varied["tags"] = rng.sample(tags, rng.randint(1, len(tags))) if tags else []
    if "poll" in furniture and rng.random() < 0.5:
        del varied["poll"]
    return varied


def paragraph_variant(rng: random.Random, paragraphs: Sequence[str]) -> tuple[str, bool]:
    """One body paragraph: a seed paragraph as is, truncated, or joined with another; and
    whether a subheading made from it goes before it."""
    text = rng.choice(paragraphs)
    roll = rng.random()
    if roll < 0.2:
        parts = sentences(text)
        return " ".join(parts[: rng.randint(1, len(parts))]), False
    if roll < 0.35:
        return f"{text} {rng.choice(paragraphs)}", False
    return text, roll < 0.45


def subheading_from(rng: random.Random, text: str) -> str:
    words = text.split()
    return " ".join(words[: rng.randint(2, 6)]).strip(".,:;–-\"«»")


def corpus_body(
    rng: random.Random, paragraphs: Sequence[str], target: int
) -> list[tuple[str, str]]:
    """Paragraph variants up to the body's size in UTF-8 bytes, never over it (but always at
    least one paragraph)."""
    blocks: list[tuple[str, str]] = []
    size = 0
    while True:
        text, with_heading = paragraph_variant(rng, paragraphs)
        length = len(text.encode("utf-8"))
        if blocks and size + length > target:
            return blocks
        if with_heading and blocks:
            blocks.append(("h2", subheading_from(rng, text)))
        blocks.append(("p", text))
        size += length


class Corpus:
    """N synthetic pages spread round-robin over the outlets."""

    def __init__(self, pools: Mapping[str, OutletPool], *, size: int,
                 seed: int = CORPUS_SEED) -> None:
        self.pools = dict(pools)
        self.size = size
        self.seed = seed
        self._specs: dict[str, CorpusSpec] = {}
        self.blocks = lru_cache(maxsize=256)(self._blocks)

    def specs(self, outlets: Iterable[CorpusOutlet]) -> list[CorpusSpec]:
        usable = [o for o in outlets if o.key in self.pools]
        specs = [self._spec(n, usable[n % len(usable)]) for n in range(self.size)] if usable else []
        self._specs = {spec.key: spec for spec in specs}
        return specs

    def _spec(self, number: int, outlet: CorpusOutlet) -> CorpusSpec:
        rng = random.Random(f"{self.seed}:spec:{number}")
        pool = self.pools[outlet.key]
        local_start = CORPUS_START.replace(tzinfo=ZoneInfo(outlet.timezone))
        title = corpus_title(rng, pool.paragraphs)
        return CorpusSpec(
            key=f"c{number:05d}",
            number=number,
            outlet=outlet.key,
            url=outlet.corpus_url.format(n=number),
            title=title,
            description=shorten(rng.choice(pool.paragraphs), 240),
            published_at=local_start + number * CORPUS_STEP,
            timezone=outlet.timezone,
            language=pool.language,
            body_bytes=rng.randint(MIN_BODY_BYTES, MAX_BODY_BYTES),
            furniture=corpus_furniture(rng, pool.furniture),
        )

    def _blocks(self, key: str) -> tuple[tuple[str, str], ...]:
        spec = self._specs[key]
        rng = random.Random(f"{self.seed}:body:{spec.number}")
        paragraphs = self.pools[spec.outlet].paragraphs
        return tuple(corpus_body(rng, paragraphs, spec.body_bytes))
