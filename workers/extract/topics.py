"""Topics an article's event covers: trade, transport, water, energy, ..."""

from __future__ import annotations

from collections import Counter

from workers.extract.matcher import Hit

# A topic named this often in the article's own text is one of its topics, even outside the
# sentences that describe the event itself.
MIN_MENTIONS = 2


def topics_of(
    hits: list[Hit],
    sentence_of: tuple[int, ...],
    body: set[int],
    lead: set[int],
    order: tuple[str, ...],
) -> tuple[list[str], dict[str, int]]:
    """Topics by how often the body names them; also the word where each is first named.

    ``body`` holds the sentences of the article's own text (no headers, no sidebar); in the
    headline and lead, which speak of the event itself, one mention is enough.
    """
    counts: Counter[str] = Counter()
    first_word: dict[str, int] = {}
    in_event: set[str] = set()
    for hit in hits:
        if hit.kind != "topic":
            continue
        sentence = sentence_of[hit.start]
        if sentence not in body:
            continue
        counts[hit.value] += 1
        first_word.setdefault(hit.value, hit.start)
        if sentence in lead:
            in_event.add(hit.value)
    kept = [t for t in counts if counts[t] >= MIN_MENTIONS or t in in_event]
    rank = {t: i for i, t in enumerate(order)}
    kept.sort(key=lambda t: (-counts[t], rank.get(t, len(rank))))
    return kept, {t: first_word[t] for t in kept}
