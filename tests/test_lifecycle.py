"""Lifecycle: how an event's record changes as mentions arrive."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from workers.lifecycle import (
    EventState,
    document_key,
    fold,
    merge_states,
    new_state,
    replay,
    snapshot,
)
from workers.records import DocumentMention, EventMention, Span

TOKAYEV, MIRZIYOYEV, ARIPOV, JAPAROV = "tokayev", "mirziyoyev", "aripov", "japarov"
CONSULTATIVE = "ca-consultative-meeting"
COUNCIL = "kz-uz-supreme-interstate-council"
NOV = lambda day: date(2025, 11, day)  # noqa: E731
AT = lambda day, hour=12: datetime(2025, 11, day, hour, 0)  # noqa: E731


def mention(**fields) -> EventMention:
    base = dict(
        role="reported",
        type="summit",
        status="held",
        format=CONSULTATIVE,
        ordinal=7,
        participants=[TOKAYEV, MIRZIYOYEV],
    )
    base.update(fields)
    return EventMention(**base)


def doc(title: str, kind: str | None = "agreement") -> DocumentMention:
    return DocumentMention(title=title, span=Span(0, len(title), title), kind=kind)


ANNOUNCEMENT = mention(
    status="announced", city="tashkent", country="UZ", date_start=NOV(15), date_end=NOV(16)
)
REPORT = mention(status="held", city="tashkent", country="UZ", date_start=NOV(16), date_end=NOV(16))


# --- status ---------------------------------------------------------------------------------------


def test_an_announcement_then_a_report_moves_announced_to_held_and_refines_the_dates():
    state = new_state(ANNOUNCEMENT, source_role="press", published=AT(14))
    assert state.status == "announced"
    state, changed = fold(state, REPORT, source_role="press", published=AT(16, 19))
    assert state.status == "held"
    assert (state.date_start, state.date_end) == (NOV(16), NOV(16))
    assert set(changed) == {"status", "date_start"}
    assert state.status_history == [
        {"status": "announced", "date": "2025-11-15", "published": "2025-11-14T12:00:00"},
        {"status": "held", "date": "2025-11-16", "published": "2025-11-16T19:00:00"},
    ]


def test_a_late_announcement_never_moves_the_event_back_nor_widens_its_reported_dates():
    state = replay([(REPORT, "press", AT(16, 19))])
    later, changed = fold(state, ANNOUNCEMENT, source_role="official", published=AT(17))
    assert later.status == "held"
    assert (later.date_start, later.date_end) == (NOV(16), NOV(16))
    assert changed == []
    assert len(later.status_history) == 1


STATUS_CASES = [
    pytest.param("ongoing", AT(15, 10), "ongoing", id="ongoing_during_the_summit"),
    pytest.param(
        "ongoing", AT(17, 9), "held", id="a_report_published_after_the_last_day_means_held"
    ),
    pytest.param("held", AT(16, 20), "held", id="past_tense_on_the_last_day"),
    pytest.param(
        "announced", AT(17, 9), "announced", id="an_announcement_published_late_moves_nothing"
    ),
]


@pytest.mark.parametrize(("status", "published", "expected"), STATUS_CASES)
def test_status_from_dated_mentions(status, published, expected):
    state = new_state(ANNOUNCEMENT, source_role="press", published=AT(10))
    state, _ = fold(
        state,
        mention(status=status, date_start=NOV(15), date_end=NOV(16)),
        source_role="press",
        published=published,
    )
    assert state.status == expected


def test_status_moves_forward_through_ongoing():
    state = replay(
        [
            (ANNOUNCEMENT, "press", AT(10)),
            (mention(status="ongoing", date_start=NOV(15)), "press", AT(15, 10)),
            (mention(status="ongoing", date_start=NOV(15)), "press", AT(15, 11)),
            (REPORT, "press", AT(16, 20)),
        ]
    )
    assert [h["status"] for h in state.status_history] == ["announced", "ongoing", "held"]


# --- dates ----------------------------------------------------------------------------------------

DATE_CASES = [
    pytest.param(
        [(ANNOUNCEMENT, "press"), (REPORT, "press")],
        (NOV(16), NOV(16)),
        id="a_report_replaces_an_announcements_range",
    ),
    pytest.param(
        [(REPORT, "press"), (mention(date_start=NOV(15), date_end=NOV(16)), "press")],
        (NOV(15), NOV(16)),
        id="equally_good_reports_cover_each_other",
    ),
    pytest.param(
        [(mention(date_start=NOV(15)), "press"), (mention(date_start=NOV(16)), "official")],
        (NOV(16), NOV(16)),
        id="the_official_readout_wins_over_the_press",
    ),
    pytest.param(
        [(mention(date_start=NOV(16)), "official"), (mention(date_start=NOV(15)), "press")],
        (NOV(16), NOV(16)),
        id="the_press_does_not_override_the_official_readout",
    ),
    pytest.param(
        [
            (mention(role="mentioned", date_start=NOV(14)), "press"),
            (mention(date_start=NOV(16)), "press"),
        ],
        (NOV(16), NOV(16)),
        id="a_report_beats_a_passing_mention",
    ),
]


@pytest.mark.parametrize(("arrivals", "expected"), DATE_CASES)
def test_dates_keep_the_strongest_evidence(arrivals, expected):
    state = replay([(m, role, AT(17)) for m, role in arrivals])
    assert (state.date_start, state.date_end) == expected


VISIT = mention(
    type="state_visit",
    format=None,
    ordinal=None,
    city="tashkent",
    country="UZ",
    date_start=NOV(14),
    date_end=NOV(15),
)
COUNCIL_DAY = mention(
    type="council_session", format=COUNCIL, ordinal=2, date_start=NOV(15), date_end=NOV(15)
)
TALKS_DAY = mention(type="talks", format=None, ordinal=None, city="tashkent", date_start=NOV(14))


@pytest.mark.parametrize(
    "arrivals",
    [
        [(COUNCIL_DAY, "official"), (VISIT, "press"), (TALKS_DAY, "press")],
        [(VISIT, "press"), (COUNCIL_DAY, "official"), (TALKS_DAY, "official")],
        [(TALKS_DAY, "press"), (COUNCIL_DAY, "official"), (VISIT, "press")],
        [(COUNCIL_DAY, "press"), (TALKS_DAY, "press"), (VISIT, "press")],
    ],
    ids=["council_first", "visit_first", "talks_first", "parts_first"],
)
def test_a_state_visit_covers_its_council_day_and_its_talks(arrivals):
    state = replay([(m, role, AT(15, 18)) for m, role in arrivals])
    assert state.type == "state_visit"
    assert (state.date_start, state.date_end) == (NOV(14), NOV(15))
    assert (state.format, state.ordinal) == (COUNCIL, 2)


def test_a_part_alone_gives_way_to_any_dates_of_the_visit():
    council = mention(type="council_session", format=COUNCIL, ordinal=2, date_start=NOV(15))
    visit_announced = mention(
        type="state_visit",
        status="announced",
        format=None,
        ordinal=None,
        date_start=NOV(13),
        date_end=NOV(15),
    )
    state = replay([(visit_announced, "press", AT(10)), (council, "official", AT(15))])
    assert (state.date_start, state.date_end) == (NOV(13), NOV(15))


# --- type, place, role ----------------------------------------------------------------------------

TYPE_CASES = [
    pytest.param(["talks", "state_visit"], "state_visit", id="talks_upgraded_to_the_visit"),
    pytest.param(
        ["council_session", "state_visit"], "state_visit", id="council_upgraded_to_the_visit"
    ),
    pytest.param(
        ["talks", "council_session"], "council_session", id="talks_upgraded_to_the_council"
    ),
    pytest.param(
        ["state_visit", "talks", "council_session"], "state_visit", id="a_visit_is_never_downgraded"
    ),
    pytest.param(["summit", "talks"], "summit", id="talks_at_a_summit_leave_it_a_summit"),
]


@pytest.mark.parametrize(("types", "expected"), TYPE_CASES)
def test_type(types, expected):
    state = replay([(mention(type=t, date_start=NOV(15)), "press", AT(15)) for t in types])
    assert state.type == expected


def test_visit_kinds_follow_the_official_readout():
    state = replay(
        [
            (mention(type="working_visit"), "press", AT(15)),
            (mention(type="state_visit"), "official", AT(15)),
        ]
    )
    assert state.type == "state_visit"
    assert state.field_sources["type"] == "official"
    state, changed = fold(
        state, mention(type="official_visit"), source_role="press", published=AT(16)
    )
    assert state.type == "state_visit" and changed == []


def test_the_venue_of_a_report_replaces_the_announced_one():
    announced = mention(status="announced", city="samarkand", country="UZ")
    state = replay(
        [(announced, "press", AT(10)), (mention(city="tashkent", country="UZ"), "press", AT(16))]
    )
    assert state.city == "tashkent"
    state, _ = fold(state, mention(city="bukhara"), source_role="press", published=AT(17))
    assert state.city == "tashkent"


def test_role_becomes_reported_once_any_article_reports_it():
    state = new_state(
        mention(role="mentioned", status="announced"), source_role="press", published=AT(14)
    )
    assert state.role == "mentioned"
    state, changed = fold(
        state, mention(role="mentioned", status="announced"), source_role="press", published=AT(15)
    )
    assert state.role == "mentioned" and changed == []
    state, changed = fold(
        state, mention(role="reported", status="announced"), source_role="press", published=AT(15)
    )
    assert state.role == "reported" and changed == ["role"]


# --- participants and documents -------------------------------------------------------------------

PARTICIPANT_CASES = [
    pytest.param(
        [([TOKAYEV], "press"), ([MIRZIYOYEV, JAPAROV], "press")],
        [TOKAYEV, MIRZIYOYEV, JAPAROV],
        id="reports_are_united",
    ),
    pytest.param(
        [([TOKAYEV, MIRZIYOYEV, ARIPOV], "press"), ([TOKAYEV, MIRZIYOYEV], "official")],
        [TOKAYEV, MIRZIYOYEV],
        id="the_official_list_replaces_the_press_list",
    ),
    pytest.param(
        [([TOKAYEV, MIRZIYOYEV], "official"), ([TOKAYEV, MIRZIYOYEV, ARIPOV], "press")],
        [TOKAYEV, MIRZIYOYEV],
        id="the_press_does_not_add_to_the_official_list",
    ),
    pytest.param(
        [([TOKAYEV], "official"), ([MIRZIYOYEV], "official")],
        [TOKAYEV, MIRZIYOYEV],
        id="official_readouts_are_united",
    ),
    pytest.param(
        [([], "official"), ([TOKAYEV], "press")],
        [TOKAYEV],
        id="an_official_readout_naming_nobody_leaves_the_press_list",
    ),
]


@pytest.mark.parametrize(("arrivals", "expected"), PARTICIPANT_CASES)
def test_participants(arrivals, expected):
    state = replay([(mention(participants=names), role, AT(16)) for names, role in arrivals])
    assert state.participants == expected


def test_a_passing_mention_does_not_add_participants_to_a_reported_event():
    state = replay(
        [
            (mention(participants=[TOKAYEV, MIRZIYOYEV]), "press", AT(16)),
            (mention(role="mentioned", participants=[ARIPOV]), "press", AT(17)),
        ]
    )
    assert state.participants == [TOKAYEV, MIRZIYOYEV]


def test_documents_are_deduplicated_by_normalised_title_and_the_official_wording_wins():
    press = mention(
        documents=[
            doc("Соглашение о совместном управлении трансграничными водными объектами."),
            doc("Дорожная карта на 2025–2027 годы", "roadmap"),
        ]
    )
    official = mention(
        documents=[
            doc("СОГЛАШЕНИЕ о совместном  управлении трансграничными водными объектами"),
            doc("Концепция «Центральная Азия – 2040»", "concept"),
        ]
    )
    state = new_state(press, source_role="press", published=AT(16))
    state, changed = fold(state, official, source_role="official", published=AT(17))
    assert [d["title"] for d in state.documents] == [
        "СОГЛАШЕНИЕ о совместном  управлении трансграничными водными объектами",
        "Дорожная карта на 2025–2027 годы",
        "Концепция «Центральная Азия – 2040»",
    ]
    assert changed == ["documents"]
    again, changed = fold(state, press, source_role="press", published=AT(18))
    assert again.documents == state.documents and changed == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Соглашение «О сотрудничестве»", "соглашение о сотрудничестве"),
        ("Меморандум о взаимопонимании (2025)", "МЕМОРАНДУМ О ВЗАИМОПОНИМАНИИ 2025"),
        ("Решение о Совете глав регионов", "Решение о Совете глав регионов."),
        ("Жол картасы — 2025-2027", "жол картасы 2025 2027"),
        ("Программа на 2026–2027 годы в объёме", "Программа на 2026-2027 годы в объеме"),
    ],
)
def test_document_keys_ignore_case_quotes_dashes_and_punctuation(a, b):
    assert document_key(a) == document_key(b)


def test_document_keys_keep_different_documents_apart():
    assert document_key("Соглашение о туризме") != document_key("Соглашение о транзите")


# --- bookkeeping ----------------------------------------------------------------------------------


def test_fold_returns_a_copy_and_leaves_the_record_it_was_given():
    state = new_state(ANNOUNCEMENT, source_role="press", published=AT(14))
    before = repr(state)
    fold(
        state,
        mention(participants=[JAPAROV], documents=[doc("Декларация")]),
        source_role="official",
        published=AT(16),
    )
    assert repr(state) == before


def test_field_sources_say_who_set_each_field():
    state = replay(
        [
            (
                mention(
                    status="announced",
                    city="tashkent",
                    date_start=NOV(15),
                    participants=[MIRZIYOYEV],
                ),
                "press",
                AT(10),
            ),
            (mention(date_start=NOV(16), participants=[TOKAYEV, MIRZIYOYEV]), "official", AT(16)),
        ]
    )
    assert state.field_sources["city"] == "press"
    assert state.field_sources["dates"] == "official"
    assert state.field_sources["participants"] == "official"
    assert state.field_sources["dates.evidence"] == "report"


def test_merge_states_keeps_the_strongest_evidence_of_both_records():
    announced = replay([(ANNOUNCEMENT, "press", AT(14))])
    reported = replay(
        [
            (
                mention(
                    type="summit",
                    city="tashkent",
                    date_start=NOV(16),
                    participants=[TOKAYEV],
                    documents=[doc("Декларация")],
                ),
                "official",
                AT(16, 20),
            )
        ]
    )
    merged, changed = merge_states(announced, reported)
    assert merged.status == "held"
    assert (merged.date_start, merged.date_end) == (NOV(16), NOV(16))
    assert merged.participants == [TOKAYEV]
    assert [d["title"] for d in merged.documents] == ["Декларация"]
    assert [h["status"] for h in merged.status_history] == ["announced", "held"]
    assert set(changed) == {"status", "date_start", "participants", "documents"}
    back, _ = merge_states(reported, announced)
    assert (back.status, back.date_start, back.participants) == ("held", NOV(16), [TOKAYEV])


def test_a_record_round_trips_through_a_snapshot_and_plain_json_columns():
    state = replay([(VISIT, "press", AT(15)), (COUNCIL_DAY, "official", AT(15, 16))])
    stored = EventState(**{name: getattr(state, name) for name in EventState.__dataclass_fields__})
    assert stored == state
    seen = snapshot(5, state)
    assert (seen.id, seen.type, seen.participants) == (
        5,
        "state_visit",
        frozenset({TOKAYEV, MIRZIYOYEV}),
    )
    assert all(isinstance(v, str) for v in state.field_sources.values())


def test_replay_needs_a_mention():
    with pytest.raises(ValueError):
        replay([])
