"""Claims: grouped by what they measure; disagreement between sources flagged."""

from __future__ import annotations

import itertools

import pytest

from workers.claimgroups import ClaimFact, compatible, group_claims, interval

_ids = itertools.count(1)


def fact(source: str, measure: str, value: float, unit: str = "USD", **fields) -> ClaimFact:
    claim_id = next(_ids)
    return ClaimFact(
        claim_id=claim_id,
        article_id=fields.pop("article_id", claim_id),
        source_key=source,
        independent=fields.pop("independent", True),
        measure=measure,
        value=value,
        unit=unit,
        currency="USD" if unit == "USD" else None,
        **fields,
    )


PAIRS = [
    pytest.param(1.7e9, None, 1.5e9, "more_than", True, id="1.7_bn_is_over_one_and_a_half_billion"),
    pytest.param(1.3e9, None, 1.2e9, None, False, id="1.3_bn_vs_1.2_bn"),
    pytest.param(15_000, "more_than", 15_000, None, True, id="more_than_15000_vs_15000"),
    pytest.param(15_000, "more_than", 14_000, None, False, id="more_than_15000_vs_14000"),
    pytest.param(1.25e9, None, 1.3e9, None, True, id="1.25_bn_rounds_to_1.3_bn"),
    pytest.param(1.7e9, None, 1.7e9, None, True, id="the_same_figure"),
    pytest.param(78, None, 80, None, False, id="78_vs_80_projects"),
    pytest.param(78, None, 80, "about", True, id="78_vs_about_80_projects"),
    pytest.param(4e9, None, 4.4e9, None, True, id="4_bn_vs_4.4_bn_within_the_last_digit"),
    pytest.param(4e9, None, 4.6e9, None, False, id="4_bn_vs_4.6_bn"),
    pytest.param(10e9, None, 12e9, None, False, id="10_bn_vs_12_bn"),
    pytest.param(8e9, "up_to", 6e9, None, True, id="up_to_8_bn_vs_6_bn"),
    pytest.param(8e9, "up_to", 9e9, None, False, id="up_to_8_bn_vs_9_bn"),
    pytest.param(15.0, "more_than", 16.2, None, True, id="more_than_15_percent_vs_16.2"),
    pytest.param(0.5, None, 0.7, None, False, id="half_a_percent_vs_0.7"),
    pytest.param(3e6, None, 3.2e6, None, True, id="three_million_vs_3.2_million"),
]


@pytest.mark.parametrize(("a", "qa", "b", "qb", "agree"), PAIRS)
def test_figures_disagree_only_beyond_their_stated_precision(a, qa, b, qb, agree):
    first, second = fact("x", "m", a, qualifier=qa), fact("y", "m", b, qualifier=qb)
    assert compatible(first, second) is agree
    assert compatible(second, first) is agree


def test_the_interval_of_a_figure():
    assert interval(fact("x", "m", 1.7e9)) == pytest.approx((1.65e9, 1.75e9))
    assert interval(fact("x", "m", 15_000, qualifier="more_than")) == (14_500, float("inf"))
    assert interval(fact("x", "m", 22e6, unit="tonnes")) == pytest.approx((21.5e6, 22.5e6))


# The seed figures (see seeds/README.md, "Figures"): outlet, measure, value, and what the
# extractor adds beside them.
SEED_FIGURES = [
    ("akorda", "joint_projects", 1.7e9, {"count": 78}),
    ("akorda", "joint_projects", 1.5e9, {"count": 78, "qualifier": "more_than"}),
    ("prosud", "joint_projects", 1.7e9, {"count": 78}),
    ("kazpravda", "joint_projects", 1.7e9, {"count": 78}),
    ("akorda", "jobs", 15_000, {"unit": "count", "qualifier": "more_than"}),
    ("prosud", "jobs", 15_000, {"unit": "count", "qualifier": "more_than"}),
    ("kazpravda", "jobs", 15_000, {"unit": "count", "qualifier": "more_than"}),
    ("prosud", "trade", 10e9, {"target_year": 2030}),
    ("uzdaily", "trade", 10e9, {"target_year": 2030}),
    ("kazpravda", "trade", 10e9, {"target_year": 2030}),
    ("uzdaily", "trade", 4e9, {}),
    ("kazpravda", "trade", 4e9, {"qualifier": "more_than"}),
    ("uzdaily", "projects_launched", 1.3e9, {}),
    ("kazpravda", "projects_launched", 1.2e9, {"count": 7}),
    ("uzdaily", "industrial_cooperation", 8e9, {"qualifier": "more_than"}),
    ("kazpravda", "rail_freight", 22e6, {"unit": "tonnes", "qualifier": "more_than"}),
    ("kazpravda", "enterprises", 6_000, {"unit": "count", "qualifier": "more_than"}),
    ("kazpravda", "tourists", 3e6, {"unit": "count"}),
]


def seed_facts(coarse: bool) -> list[ClaimFact]:
    """``coarse``: an extractor that calls every project figure just "projects"."""
    facts = []
    for source, measure, value, extra in SEED_FIGURES:
        extra = dict(extra)
        if coarse and measure in ("joint_projects", "projects_launched", "industrial_cooperation"):
            measure = "projects"
        facts.append(fact(source, measure, value, unit=extra.pop("unit", "USD"), **extra))
    return facts


@pytest.mark.parametrize(
    "coarse", [False, True], ids=["distinct_measures", "one_measure_for_all_projects"]
)
def test_on_the_seeds_only_the_projects_launched_during_the_visit_conflict(coarse):
    groups = group_claims(seed_facts(coarse))
    conflicts = [g for g in groups if g.conflict]
    assert len(conflicts) == 1
    (conflict,) = conflicts
    assert conflict.values == [1.2e9, 1.3e9]
    assert conflict.sources == ["kazpravda", "uzdaily"]
    seventy_eight = next(g for g in groups if 1.7e9 in g.values)
    assert not seventy_eight.conflict
    assert seventy_eight.sources == ["akorda", "kazpravda", "prosud"]
    assert all(f.value != 8e9 for f in seventy_eight.facts + conflict.facts)


def test_groups_are_keyed_by_measure_unit_and_target_year():
    facts = [
        fact("a", "trade", 10e9, target_year=2030),
        fact("b", "trade", 4e9),
        fact("c", "trade", 4e9, unit="EUR"),
        fact("d", "trade", 15e9, target_year=2030),
    ]
    groups = {g.key: g for g in group_claims(facts)}
    assert set(groups) == {"trade|USD|2030", "trade|USD|*", "trade|EUR|*"}
    assert groups["trade|USD|2030"].conflict
    assert not groups["trade|USD|*"].conflict


def test_only_disagreement_between_sources_counts():
    same_source = [
        fact("kazpravda", "trade", 4e9, article_id=1),
        fact("kazpravda", "trade", 5e9, article_id=2),
    ]
    assert not group_claims(same_source)[0].conflict
    other_source = [*same_source, fact("uzdaily", "trade", 5e9)]
    assert group_claims(other_source)[0].conflict


def test_a_figure_without_a_count_far_from_every_counted_group_stands_alone():
    facts = [
        fact("a", "projects", 1.7e9, count=78),
        fact("b", "projects", 1.2e9, count=7),
        fact("c", "projects", 8e9),
    ]
    groups = group_claims(facts)
    assert [g.key for g in groups] == [
        "projects|USD|*|n=78",
        "projects|USD|*|n=7",
        "projects|USD|*|n=?",
    ]
    assert not any(g.conflict for g in groups)


def test_a_syndicated_copy_keeps_its_figure_but_does_not_confirm_it():
    facts = [
        fact("kazinform", "jobs", 15_000, unit="count"),
        fact("tengrinews", "jobs", 15_000, unit="count", independent=False),
    ]
    (group,) = group_claims(facts)
    assert group.sources == ["kazinform", "tengrinews"]
    assert group.independent_sources == 1


def test_group_keys_fit_the_conflict_group_column():
    long_measure = "a" * 120
    groups = group_claims([fact("a", long_measure, 1.0), fact("b", long_measure + "b", 1.0)])
    keys = [g.key for g in groups]
    assert all(len(k) <= 80 for k in keys)
    assert len(set(keys)) == 2


def test_no_facts_no_groups():
    assert group_claims([]) == []
