"""Resolution: which stored event a mention joins, and why."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from workers import lifecycle
from workers.records import EventMention
from workers.resolve import (
    DEFAULT_SCORERS,
    VETO,
    CandidateQuery,
    EventSnapshot,
    candidate_query,
    resolve,
)

TOKAYEV, MIRZIYOYEV, ERDOGAN, ALIYEV, JAPAROV = (
    "tokayev",
    "mirziyoyev",
    "erdogan",
    "aliyev",
    "japarov",
)
COUNCIL = "kz-uz-supreme-interstate-council"
CONSULTATIVE = "ca-consultative-meeting"
NOV = lambda day: date(2025, 11, day)  # noqa: E731


def mention(**fields) -> EventMention:
    base = dict(role="reported", type="talks", status="held", participants=[TOKAYEV, MIRZIYOYEV])
    base.update(fields)
    return EventMention(**base)


def event(event_id: int = 1, **fields) -> EventSnapshot:
    base = dict(
        id=event_id,
        type="talks",
        format=None,
        ordinal=None,
        city=None,
        country=None,
        date_start=None,
        date_end=None,
        status="held",
        participants=frozenset({TOKAYEV, MIRZIYOYEV}),
    )
    base.update(fields)
    base["participants"] = frozenset(base["participants"])
    return EventSnapshot(**base)


# The seed-like mentions of E1 (Tokayev's state visit to Uzbekistan, 14-15 November 2025),
# each with its source role and publication time.
E1_MENTIONS = {
    "kk_akorda_council_no_city": (
        mention(
            type="council_session",
            format=COUNCIL,
            ordinal=2,
            date_start=NOV(15),
            date_end=NOV(15),
            language="kk",
        ),
        "official",
        datetime(2025, 11, 15, 16, 20),
    ),
    "ru_prosud_visit_tashkent": (
        mention(
            type="state_visit",
            city="tashkent",
            country="UZ",
            date_start=NOV(14),
            date_end=NOV(15),
            language="ru",
        ),
        "press",
        datetime(2025, 11, 15, 11, 45),
    ),
    "uz_cyrl_uzdaily_council": (
        mention(
            type="council_session",
            format=COUNCIL,
            ordinal=2,
            city="tashkent",
            country="UZ",
            date_start=NOV(15),
            date_end=NOV(15),
            language="uz",
            script="Cyrl",
        ),
        "press",
        datetime(2025, 11, 15, 14, 0),
    ),
    "ru_kazpravda_wrap_up": (
        mention(
            type="state_visit",
            format=COUNCIL,
            ordinal=2,
            city="tashkent",
            country="UZ",
            date_start=NOV(14),
            date_end=NOV(15),
            language="ru",
        ),
        "press",
        datetime(2025, 11, 17, 9, 0),
    ),
}
E2_MENTION = (
    mention(
        type="summit",
        format=CONSULTATIVE,
        ordinal=6,
        city="astana",
        country="KZ",
        date_start=date(2024, 8, 9),
        date_end=date(2024, 8, 9),
        participants=[TOKAYEV],
        language="kk",
    ),
    "press",
    datetime(2024, 8, 9, 20, 0),
)
# The 7th Consultative Meeting, announced in a sidebar (002) and in reported speech (003).
SEVENTH_IN_SIDEBAR = (
    mention(
        role="mentioned",
        type="summit",
        status="announced",
        format=CONSULTATIVE,
        ordinal=7,
        participants=[],
    ),
    "press",
    datetime(2025, 11, 15, 14, 0),
)
SEVENTH_IN_WRAP_UP = (
    mention(
        role="mentioned",
        type="summit",
        status="announced",
        format=CONSULTATIVE,
        ordinal=7,
        city="tashkent",
        country="UZ",
        participants=[],
    ),
    "press",
    datetime(2025, 11, 17, 9, 0),
)


class Store:
    """Events in memory, found the way the database finds them: through the candidate query."""

    def __init__(self) -> None:
        self.states: dict[int, lifecycle.EventState] = {}
        self.decisions: list = []

    def add(self, item: tuple[EventMention, str, datetime]) -> int:
        found, source_role, published = item
        query = candidate_query(found, published.date())
        candidates = [lifecycle.snapshot(i, s) for i, s in self.states.items()]
        decision = resolve(
            found, [c for c in candidates if query.matches(c)], published=published.date()
        )
        self.decisions.append(decision)
        if decision.event_id is None:
            event_id = max(self.states, default=0) + 1
            self.states[event_id] = lifecycle.new_state(
                found, source_role=source_role, published=published
            )
            return event_id
        state, _ = lifecycle.fold(
            self.states[decision.event_id], found, source_role=source_role, published=published
        )
        for other in decision.merge_ids:
            state, _ = lifecycle.merge_states(state, self.states.pop(other))
        self.states[decision.event_id] = state
        return decision.event_id


# --- one record per occasion ----------------------------------------------------------------------


@pytest.mark.parametrize("order", list(itertools.permutations(E1_MENTIONS)), ids="-".join)
def test_the_four_e1_mentions_make_one_event_in_any_order(order):
    store = Store()
    ids = {store.add(E1_MENTIONS[name]) for name in order}
    assert len(ids) == 1 and len(store.states) == 1
    state = store.states[ids.pop()]
    assert state.type == "state_visit"
    assert (state.format, state.ordinal) == (COUNCIL, 2)
    assert (state.city, state.country) == ("tashkent", "UZ")
    assert (state.date_start, state.date_end) == (NOV(14), NOV(15))
    assert set(state.participants) == {TOKAYEV, MIRZIYOYEV}
    assert state.status == "held"


def test_seeds_in_publication_order_give_e1_e2_and_the_announced_seventh_meeting_apart():
    store = Store()
    arrivals = sorted(
        [*E1_MENTIONS.values(), E2_MENTION, SEVENTH_IN_SIDEBAR, SEVENTH_IN_WRAP_UP],
        key=lambda item: item[2],
    )
    for item in arrivals:
        store.add(item)
    by_format = {(s.format, s.ordinal): s for s in store.states.values()}
    assert len(store.states) == 3
    assert by_format[(COUNCIL, 2)].type == "state_visit"
    assert by_format[(CONSULTATIVE, 6)].city == "astana"
    seventh = by_format[(CONSULTATIVE, 7)]
    assert (seventh.role, seventh.status, seventh.city) == ("mentioned", "announced", "tashkent")


def test_e2_never_joins_e1_even_when_offered_as_a_candidate():
    e1 = lifecycle.snapshot(1, lifecycle.replay(E1_MENTIONS.values()))
    decision = resolve(E2_MENTION[0], [e1], published=date(2024, 8, 9))
    assert decision.event_id is None
    assert decision.evidence["vetoed"] == {"1": "format_ordinal"}


@pytest.mark.parametrize(
    "seventh", [SEVENTH_IN_SIDEBAR, SEVENTH_IN_WRAP_UP], ids=["sidebar", "reported_speech"]
)
def test_the_announced_seventh_meeting_never_joins_the_sixth_or_the_visit(seventh):
    sixth = lifecycle.snapshot(1, lifecycle.replay([E2_MENTION]))
    visit = lifecycle.snapshot(2, lifecycle.replay(E1_MENTIONS.values()))
    visit_without_format = replace(visit, format=None, ordinal=None)
    decision = resolve(
        seventh[0], [sixth, visit, visit_without_format], published=seventh[2].date()
    )
    assert decision.event_id is None
    assert decision.merge_ids == []


def test_an_announcement_then_a_report_are_one_event_moving_from_announced_to_held():
    announcement = (
        mention(
            type="summit",
            status="announced",
            format=CONSULTATIVE,
            ordinal=7,
            city="tashkent",
            country="UZ",
            date_start=NOV(15),
            date_end=NOV(16),
            participants=[MIRZIYOYEV],
        ),
        "press",
        datetime(2025, 11, 14, 10, 0),
    )
    report = (
        mention(
            type="summit",
            status="held",
            format=CONSULTATIVE,
            ordinal=7,
            city="tashkent",
            country="UZ",
            date_start=NOV(16),
            date_end=NOV(16),
            participants=[MIRZIYOYEV, TOKAYEV, JAPAROV],
        ),
        "press",
        datetime(2025, 11, 16, 19, 0),
    )
    store = Store()
    assert store.add(announcement) == store.add(report)
    (state,) = store.states.values()
    assert [h["status"] for h in state.status_history] == ["announced", "held"]
    assert (state.date_start, state.date_end) == (NOV(16), NOV(16))


# --- pairwise cases -------------------------------------------------------------------------------

JOINS = [
    pytest.param(
        mention(
            type="summit",
            format=CONSULTATIVE,
            ordinal=6,
            date_start=date(2024, 8, 9),
            participants=[],
        ),
        event(
            type="summit",
            format=CONSULTATIVE,
            ordinal=6,
            city="astana",
            country="KZ",
            date_start=date(2024, 8, 9),
            date_end=date(2024, 8, 9),
            participants={TOKAYEV},
        ),
        id="same_format_and_ordinal",
    ),
    pytest.param(
        mention(type="council_session", format=COUNCIL, ordinal=2, date_start=NOV(15)),
        event(
            type="state_visit", city="tashkent", country="UZ", date_start=NOV(14), date_end=NOV(15)
        ),
        id="council_session_inside_a_state_visit_joins_the_visit",
    ),
    pytest.param(
        mention(type="talks", city="tashkent", date_start=NOV(14)),
        event(
            type="state_visit", city="tashkent", country="UZ", date_start=NOV(14), date_end=NOV(15)
        ),
        id="talks_inside_a_state_visit_join_the_visit",
    ),
    pytest.param(
        mention(type="council_session", format=COUNCIL, ordinal=2, date_start=NOV(15)),
        event(
            type="council_session",
            format=COUNCIL,
            ordinal=2,
            city="tashkent",
            country="UZ",
            date_start=NOV(15),
            date_end=NOV(15),
        ),
        id="missing_city_is_neutral",
    ),
    pytest.param(
        mention(
            type="summit",
            role="mentioned",
            status="announced",
            format=CONSULTATIVE,
            ordinal=7,
            participants=[],
        ),
        event(
            type="summit",
            format=CONSULTATIVE,
            ordinal=7,
            city="tashkent",
            country="UZ",
            date_start=NOV(16),
            date_end=NOV(16),
            participants={MIRZIYOYEV, TOKAYEV},
        ),
        id="a_passing_mention_joins_the_reported_event",
    ),
    pytest.param(
        mention(
            type="summit",
            status="held",
            format=CONSULTATIVE,
            ordinal=7,
            city="tashkent",
            date_start=NOV(24),
            participants=[MIRZIYOYEV],
        ),
        event(
            type="summit",
            format=CONSULTATIVE,
            ordinal=7,
            city="tashkent",
            status="announced",
            date_start=NOV(15),
            date_end=NOV(16),
            participants={MIRZIYOYEV},
        ),
        id="a_postponed_summit_joins_its_announcement_by_format_and_ordinal",
    ),
    pytest.param(
        mention(type="state_visit", country="UZ", participants=[TOKAYEV, MIRZIYOYEV]),
        event(
            type="state_visit", city="tashkent", country="UZ", date_start=NOV(14), date_end=NOV(15)
        ),
        id="a_report_without_dates_is_placed_by_its_publication_date",
    ),
    pytest.param(
        mention(type="official_visit", city="tashkent", date_start=NOV(14), date_end=NOV(15)),
        event(
            type="state_visit", city="tashkent", country="UZ", date_start=NOV(14), date_end=NOV(15)
        ),
        id="visit_kinds_disagreeing_between_outlets",
    ),
    pytest.param(
        mention(
            type="summit", city="samarkand", date_start=NOV(3), participants=[TOKAYEV, JAPAROV]
        ),
        event(
            type="summit",
            city="samarkand",
            date_start=NOV(3),
            date_end=NOV(4),
            participants={TOKAYEV, MIRZIYOYEV, ALIYEV},
        ),
        id="a_summit_named_by_different_leaders_in_each_article",
    ),
]


@pytest.mark.parametrize(("found", "stored"), JOINS)
def test_joins(found, stored):
    decision = resolve(found, [stored], published=NOV(16))
    assert decision.event_id == stored.id, decision.evidence


STAYS_APART = [
    pytest.param(
        mention(
            type="summit",
            format=CONSULTATIVE,
            ordinal=7,
            city="astana",
            date_start=date(2024, 8, 9),
            participants=[TOKAYEV],
        ),
        event(
            type="summit",
            format=CONSULTATIVE,
            ordinal=6,
            city="astana",
            date_start=date(2024, 8, 9),
            date_end=date(2024, 8, 9),
            participants={TOKAYEV},
        ),
        "format_ordinal",
        id="a_reported_mention_never_joins_another_ordinal",
    ),
    pytest.param(
        mention(type="council_session", format=COUNCIL, ordinal=2, date_start=NOV(15)),
        event(
            type="summit",
            format=CONSULTATIVE,
            ordinal=7,
            city="tashkent",
            date_start=NOV(15),
            date_end=NOV(15),
        ),
        "format_ordinal",
        id="different_formats",
    ),
    pytest.param(
        mention(type="council_session", date_start=NOV(20)),
        event(
            type="state_visit", city="tashkent", country="UZ", date_start=NOV(14), date_end=NOV(15)
        ),
        "type_compatibility",
        id="a_council_session_on_another_day_is_not_part_of_the_visit",
    ),
    pytest.param(
        mention(type="phone_call", date_start=NOV(15)),
        event(
            type="state_visit", city="tashkent", country="UZ", date_start=NOV(14), date_end=NOV(15)
        ),
        "type_compatibility",
        id="a_phone_call_is_not_a_visit",
    ),
    pytest.param(
        mention(type="talks", date_start=NOV(15), participants=[ERDOGAN, ALIYEV]),
        event(type="talks", date_start=NOV(15), date_end=NOV(15)),
        "participant_overlap",
        id="disjoint_participants",
    ),
    pytest.param(
        mention(type="talks", city="samarkand", date_start=NOV(15)),
        event(type="talks", city="tashkent", date_start=NOV(15), date_end=NOV(15)),
        "host_place",
        id="conflicting_cities",
    ),
    pytest.param(
        mention(type="state_visit", country="KZ", date_start=NOV(15)),
        event(type="state_visit", country="UZ", date_start=NOV(14), date_end=NOV(15)),
        "host_place",
        id="the_return_visit_has_another_host",
    ),
    pytest.param(
        mention(type="talks", city="tashkent", date_start=date(2025, 3, 2)),
        event(type="talks", city="tashkent", date_start=NOV(15), date_end=NOV(15)),
        "date_window",
        id="the_same_leaders_months_apart",
    ),
]


@pytest.mark.parametrize(("found", "stored", "vetoed_by"), STAYS_APART)
def test_vetoes(found, stored, vetoed_by):
    decision = resolve(found, [stored], published=NOV(16))
    assert decision.event_id is None
    assert decision.evidence["vetoed"] == {str(stored.id): vetoed_by}


BELOW_THRESHOLD = [
    pytest.param(
        mention(type="talks", city="astana", date_start=NOV(15), participants=[TOKAYEV, ERDOGAN]),
        event(
            type="talks",
            city="astana",
            date_start=NOV(15),
            date_end=NOV(15),
            participants={TOKAYEV, ALIYEV},
        ),
        id="the_host_meets_two_visitors_on_one_day",
    ),
    pytest.param(
        mention(type="phone_call", date_start=NOV(15), participants=[TOKAYEV, ERDOGAN]),
        event(
            type="phone_call",
            date_start=NOV(15),
            date_end=NOV(15),
            participants={TOKAYEV, MIRZIYOYEV},
        ),
        id="two_phone_calls_on_one_day",
    ),
    pytest.param(
        mention(
            role="mentioned",
            type="official_visit",
            status="announced",
            country="UZ",
            participants=[],
        ),
        event(
            type="state_visit",
            format=COUNCIL,
            ordinal=2,
            city="tashkent",
            country="UZ",
            date_start=NOV(14),
            date_end=NOV(15),
        ),
        id="a_sidebar_delegation_visit_is_not_the_state_visit",
    ),
]


@pytest.mark.parametrize(("found", "stored"), BELOW_THRESHOLD)
def test_weak_matches_found_a_new_event(found, stored):
    decision = resolve(found, [stored], published=NOV(16))
    assert decision.event_id is None
    assert decision.evidence["best"]["event_id"] == stored.id
    assert decision.score < decision.evidence["threshold"]


# --- merges, evidence, pluggable scoring ----------------------------------------------------------


def test_a_mention_that_links_two_events_merges_them():
    talks = event(
        1, type="talks", city="tashkent", country="UZ", date_start=NOV(15), date_end=NOV(15)
    )
    council = event(2, type="council_session", format=COUNCIL, ordinal=2, participants=frozenset())
    linking = mention(
        type="council_session", format=COUNCIL, ordinal=2, city="tashkent", date_start=NOV(15)
    )
    assert (
        resolve(
            mention(type="talks", city="tashkent", date_start=NOV(15)), [council], published=NOV(15)
        ).event_id
        is None
    )
    decision = resolve(linking, [talks, council], published=NOV(15))
    assert decision.event_id == 1
    assert decision.merge_ids == [2]
    assert set(decision.evidence["merged"]) == {"2"}


def test_two_matches_that_contradict_each_other_are_not_merged():
    sixth = event(1, type="summit", format=CONSULTATIVE, ordinal=6, participants={TOKAYEV})
    seventh = event(2, type="summit", format=CONSULTATIVE, ordinal=7, participants={TOKAYEV})
    vague = mention(type="summit", format=CONSULTATIVE, participants=[TOKAYEV, MIRZIYOYEV])
    decision = resolve(vague, [sixth, seventh], published=NOV(15))
    assert decision.event_id == 1
    assert decision.merge_ids == []
    assert decision.evidence["not_merged"]["2"].startswith("format_ordinal")


def test_the_evidence_says_why_each_scorer_contributed_and_is_plain_json():
    found, source_role, published = E1_MENTIONS["kk_akorda_council_no_city"]
    stored = lifecycle.snapshot(7, lifecycle.replay([E1_MENTIONS["ru_prosud_visit_tashkent"]]))
    decision = resolve(found, [stored], published=published.date())
    scores = decision.evidence["scores"]
    assert list(scores) == [s.__name__ for s in DEFAULT_SCORERS]
    assert (
        scores["type_compatibility"]["why"]
        == "council_session and state_visit on overlapping dates: one occasion"
    )
    assert scores["host_place"]["score"] == 0.0
    assert decision.score == pytest.approx(sum(s["score"] for s in scores.values()))
    json.dumps(decision.evidence, allow_nan=False)
    vetoed = resolve(E2_MENTION[0], [stored], published=None)
    json.dumps(vetoed.evidence, allow_nan=False)


def test_scorers_and_threshold_are_pluggable():
    found = mention(type="talks", city="tashkent", date_start=NOV(15))
    stored = event(3, type="talks", city="tashkent", date_start=NOV(15), date_end=NOV(15))

    def same_language_only(m, e, published):
        return (VETO, "another language") if m.language == "en" else (0.0, "same language")

    assert resolve(found, [stored], published=None).event_id == 3
    assert resolve(found, [stored], published=None, threshold=5.0).event_id is None
    english = replace(found, language="en")
    decision = resolve(
        english, [stored], published=None, scorers=(*DEFAULT_SCORERS, same_language_only)
    )
    assert decision.event_id is None
    assert decision.evidence["vetoed"] == {"3": "same_language_only"}


def test_ties_go_to_the_older_event():
    twins = [
        event(9, city="tashkent", date_start=NOV(15)),
        event(4, city="tashkent", date_start=NOV(15)),
    ]
    decision = resolve(mention(city="tashkent", date_start=NOV(15)), twins, published=None)
    assert decision.event_id == 4
    assert decision.merge_ids == [9]


# --- the candidate query --------------------------------------------------------------------------

QUERIES = [
    pytest.param(
        mention(date_start=NOV(15), date_end=NOV(16)),
        NOV(14),
        CandidateQuery(NOV(12), NOV(19), None, None),
        id="report_dates_plus_minus_three_days",
    ),
    pytest.param(
        mention(status="announced", date_start=NOV(15), date_end=NOV(16)),
        NOV(1),
        CandidateQuery(NOV(1), NOV(30), None, None),
        id="announced_dates_may_move_two_weeks",
    ),
    pytest.param(
        mention(),
        NOV(17),
        CandidateQuery(NOV(10), NOV(18), None, None),
        id="report_without_dates_looks_back_a_week",
    ),
    pytest.param(
        mention(status="announced"),
        NOV(1),
        CandidateQuery(date(2025, 10, 29), date(2026, 1, 30), None, None),
        id="announcement_without_dates_looks_ahead",
    ),
    pytest.param(
        mention(type="summit", format=CONSULTATIVE, ordinal=7),
        None,
        CandidateQuery(None, None, CONSULTATIVE, 7),
        id="format_and_ordinal_without_any_date",
    ),
    pytest.param(
        mention(type="summit", format=CONSULTATIVE),
        NOV(17),
        CandidateQuery(NOV(10), NOV(18), None, None),
        id="format_without_ordinal_is_not_exact",
    ),
]


@pytest.mark.parametrize(("found", "published", "expected"), QUERIES)
def test_candidate_query(found, published, expected):
    assert candidate_query(found, published) == expected


def test_candidate_query_accepts_a_publication_time():
    assert candidate_query(mention(), datetime(2025, 11, 17, 23, 0)) == candidate_query(
        mention(), NOV(17)
    )


def test_a_mention_without_dates_format_or_publication_selects_nothing():
    assert candidate_query(mention(), None).selects_nothing
    assert not candidate_query(mention(format=COUNCIL, ordinal=2), None).selects_nothing


def test_the_candidate_predicate():
    query = CandidateQuery(NOV(12), NOV(18), CONSULTATIVE, 7)
    assert query.matches(event(type="summit", format=CONSULTATIVE, ordinal=7))
    assert query.matches(event(type="summit", format=CONSULTATIVE, ordinal=None))
    assert not query.matches(event(type="summit", format=CONSULTATIVE, ordinal=6))
    assert query.matches(event(date_start=NOV(10), date_end=NOV(12)))
    assert query.matches(event(date_start=NOV(18), date_end=NOV(18)))
    assert not query.matches(event(date_start=NOV(19), date_end=NOV(20)))
    assert not query.matches(event(date_start=NOV(5), date_end=NOV(11)))
    assert not query.matches(event())
    assert query.start_from == NOV(12) - timedelta(days=14)
