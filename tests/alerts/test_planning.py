"""Alert planning: which changes raise which alerts, and dedup keys that make each go out once."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.alerts.conftest import ERDOGAN, JAPAROV, PEOPLE, PUTIN, TOKAYEV
from tests.alerts.samples import E1_VIEW, E2_VIEW, change, first_article_view, view
from workers.alerts import (
    Digest,
    QuietHours,
    Rule,
    channel_name,
    digest_window_end,
    load_rules,
    plan_alerts,
    quiet_until,
)

WEBHOOK = "json://127.0.0.1:9/hook"
ENV = {"SUMMITWATCH_ALERT_URLS": WEBHOOK}
CHANNEL = channel_name(WEBHOOK)
DEFAULT = load_rules()


def plan(change_, view_, rules=DEFAULT, env=ENV):
    return plan_alerts(change_, view_, rules, env, people=PEOPLE)


def kinds(drafts) -> list[str]:
    return [d.kind for d in drafts]


# --- the default rule, named cases ------------------------------------------------------------

CASES = [
    pytest.param(change(created=True, status_before=None), first_article_view(), ["new_event"],
                 id="new-state-visit-of-two-central-asian-presidents"),
    pytest.param(change(created=True, status_before=None), first_article_view(E2_VIEW), ["new_event"],
                 id="new-consultative-meeting"),
    pytest.param(change(created=True, status_before=None, role="mentioned"),
                 first_article_view(view(E2_VIEW, role="mentioned", ordinal=7, status="announced")), [],
                 id="summit-mentioned-in-a-sidebar-never-alerts"),
    pytest.param(change(status_before="announced", status_after="held", role="mentioned"),
                 view(E2_VIEW, role="mentioned"), [], id="mentioned-event-changing-status-never-alerts"),
    pytest.param(change(created=True, status_before=None), first_article_view(view(E1_VIEW, type="talks")), [],
                 id="talks-are-not-summits-or-visits"),
    pytest.param(change(created=True, status_before=None), first_article_view(view(E1_VIEW, type="phone_call")), [],
                 id="phone-calls-are-not-summits-or-visits"),
    pytest.param(change(created=True, status_before=None),
                 first_article_view(view(E1_VIEW, participant_ids=[PUTIN, ERDOGAN])), [],
                 id="visit-without-a-central-asian-head-of-state"),
    pytest.param(change(created=True, status_before=None),
                 first_article_view(view(E1_VIEW, participant_ids=[PUTIN, JAPAROV])), ["new_event"],
                 id="visit-with-one-central-asian-head-of-state"),
    pytest.param(change(created=True, status_before=None), first_article_view(view(E1_VIEW, participant_ids=[])),
                 [], id="no-named-participants"),
    pytest.param(change(status_before="announced", status_after="held"), E1_VIEW, ["new_event", "status_changed"],
                 id="announced-to-held"),
    pytest.param(change(coverage_added=True), E1_VIEW, ["new_event"], id="more-coverage-only"),
    pytest.param(change(new_documents=["Agreement on water"], new_claims=["trade $10 bn by 2030"]), E1_VIEW,
                 ["new_event"], id="new-facts-need-a-rule-that-asks"),
    pytest.param(change(new_conflicts=["projects_launched"]), E1_VIEW, ["new_event"],
                 id="conflicts-need-a-rule-that-asks"),
]


@pytest.mark.parametrize("change_, view_, expected", CASES)
def test_default_rule(change_, view_, expected):
    assert kinds(plan(change_, view_)) == expected


def test_new_event_has_the_same_key_whatever_happens_to_the_event_later():
    created = plan(change(created=True, status_before=None), first_article_view())
    redated = view(E1_VIEW, date_start="2025-11-13", coverage=[dict(c, published_at="2025-11-16T08:00:00Z")
                                                              for c in E1_VIEW["coverage"]])
    keys = [
        created,
        plan(change(content_version=2), redated),  # a re-dated feed item, processed again
        plan(change(content_version=5, coverage_added=True), E1_VIEW),  # the third and fourth outlet
        plan(change(created=True, status_before=None), first_article_view()),  # the same task, retried
    ]
    new_event_keys = {d.dedup_key for drafts in keys for d in drafts if d.kind == "new_event"}
    assert new_event_keys == {f"1:new_event:{CHANNEL}:1"}


def test_status_change_key_is_the_new_status_so_it_alerts_once():
    first = plan(change(status_before="announced", status_after="held"), E1_VIEW)
    again = plan(change(status_before="announced", status_after="held", content_version=9), E1_VIEW)
    flapped = plan(change(status_before="ongoing", status_after="held"), E1_VIEW)
    keys = {d.dedup_key for drafts in (first, again, flapped) for d in drafts if d.kind == "status_changed"}
    assert keys == {f"1:status_changed:{CHANNEL}:held"}
    ongoing = plan(change(status_before="announced", status_after="ongoing"), E1_VIEW)
    assert [d.dedup_key for d in ongoing if d.kind == "status_changed"] == [f"1:status_changed:{CHANNEL}:ongoing"]
    [draft] = [d for d in first if d.kind == "status_changed"]
    assert draft.payload["changes"] == {"status_before": "announced", "status_after": "held"}


def test_a_created_event_alerts_as_new_not_as_a_status_change():
    drafts = plan(change(created=True, status_before=None, status_after="held"), first_article_view())
    assert kinds(drafts) == ["new_event"]


def test_an_event_first_mentioned_then_reported_alerts_when_it_is_reported():
    announced = view(E2_VIEW, ordinal=7, city="Tashkent", status="announced")
    assert plan(change(created=True, role="mentioned", status_before=None), view(announced, role="mentioned")) == []
    [draft] = plan(change(role="reported", status_before="announced", status_after="announced"), announced)
    assert draft.kind == "new_event" and draft.dedup_key == f"1:new_event:{CHANNEL}:1"


def test_min_independent_sources_waits_for_the_second_outlet():
    rules = [Rule(name="corroborated", min_independent_sources=2)]
    assert plan(change(created=True, status_before=None), first_article_view(), rules) == []
    second = view(E1_VIEW, independent_source_count=2, article_count=2, coverage=E1_VIEW["coverage"][:2])
    assert kinds(plan(change(coverage_added=True), second, rules)) == ["new_event"]


def test_new_facts_and_conflicts_are_keyed_by_what_is_new():
    rules = [Rule(name="facts", kinds=("new_facts", "conflict"))]
    documents = plan(change(new_documents=["Agreement on water", "Roadmap"]), E1_VIEW, rules)
    reordered = plan(change(new_documents=["Roadmap", "Agreement on water"]), E1_VIEW, rules)
    other = plan(change(new_documents=["Youth memorandum"]), E1_VIEW, rules)
    assert kinds(documents) == ["new_facts"]
    assert documents[0].dedup_key == reordered[0].dedup_key != other[0].dedup_key
    assert documents[0].payload["changes"]["documents"] == ["Agreement on water", "Roadmap"]
    conflict = plan(change(new_conflicts=["projects_launched"]), E1_VIEW, rules)
    assert kinds(conflict) == ["conflict"]
    assert conflict[0].dedup_key.startswith(f"1:conflict:{CHANNEL}:")
    assert plan(change(new_conflicts=["projects_launched"]), E1_VIEW, rules)[0].dedup_key == conflict[0].dedup_key


@pytest.mark.parametrize(
    "rule, view_, alerts",
    [
        pytest.param(Rule(name="r", languages=("uz",)), E1_VIEW, True, id="uz-matches-uz-Cyrl-coverage"),
        pytest.param(Rule(name="r", languages=("en",)), E1_VIEW, False, id="no-english-coverage"),
        pytest.param(Rule(name="r", countries=("UZ",)), E1_VIEW, True, id="held-in-uzbekistan"),
        pytest.param(Rule(name="r", countries=("KG",)), E1_VIEW, False, id="not-held-in-kyrgyzstan"),
        pytest.param(Rule(name="r", formats=("ca_consultative_meeting",)), E2_VIEW, True, id="format-by-id"),
        pytest.param(Rule(name="r", formats=("consultative meeting of the heads of state of central asia",)),
                     E2_VIEW, True, id="format-by-name"),
        pytest.param(Rule(name="r", formats=("sco",)), E2_VIEW, False, id="other-format"),
        pytest.param(Rule(name="r", leaders=(TOKAYEV,)), E2_VIEW, True, id="leader-by-id"),
        pytest.param(Rule(name="r", leaders=(JAPAROV,)), E2_VIEW, False, id="other-leader"),
        pytest.param(Rule(name="r", countries_of_leaders=("KZ",)), E2_VIEW, True, id="leader-of-kazakhstan"),
        pytest.param(Rule(name="r", countries_of_leaders=("TM",)), E2_VIEW, False, id="no-leader-of-turkmenistan"),
    ],
)
def test_rule_filters(rule, view_, alerts):
    assert bool(plan(change(created=True, status_before=None), view_, [rule])) is alerts


def test_two_rules_on_one_channel_send_one_alert():
    rules = [Rule(name="visits"), Rule(name="everything", kinds=("new_event", "status_changed", "conflict"))]
    drafts = plan(change(created=True, status_before=None), first_article_view(), rules)
    assert [(d.kind, d.rule) for d in drafts] == [("new_event", "visits")]


def test_every_channel_gets_its_own_alert():
    env = {"SUMMITWATCH_ALERT_URLS": f"{WEBHOOK} mailto://127.0.0.1:25?to=a@example.org"}
    drafts = plan(change(created=True, status_before=None), first_article_view(), env=env)
    assert len(drafts) == 2 and len({d.channel for d in drafts}) == 2
    assert all(d.dedup_key == f"1:new_event:{d.channel}:1" for d in drafts)
    assert all("127.0.0.1" not in d.channel for d in drafts)


def test_the_payload_carries_what_delivery_needs_and_no_url():
    rule = Rule(name="night", quiet_hours=QuietHours(time(22), time(7), "Asia/Almaty"))
    [draft] = plan(change(created=True, status_before=None, content_version=1), first_article_view(), [rule])
    assert draft.payload["alert_key"] == draft.dedup_key
    assert draft.payload["quiet_hours"] == {"start": "22:00", "end": "07:00", "timezone": "Asia/Almaty"}
    assert draft.payload["view"]["title"] == E1_VIEW["title"]
    assert draft.payload["view"]["coverage"][0]["title"] == E1_VIEW["coverage"][0]["title"]
    assert WEBHOOK not in repr(draft.payload)


# --- digests ----------------------------------------------------------------------------------

def test_digest_rule_plans_one_coverage_update_per_new_article():
    rules = [Rule(name="digest", kinds=("new_event",), digest=Digest(window_s=3600))]
    third = view(E1_VIEW, article_count=3, coverage=E1_VIEW["coverage"][:3])
    first_update = plan(change(coverage_added=True), third, rules)
    second_update = plan(change(coverage_added=True), E1_VIEW, rules)
    assert kinds(first_update) == ["new_event", "coverage_digest"]
    [digest_3] = [d for d in first_update if d.kind == "coverage_digest"]
    [digest_4] = [d for d in second_update if d.kind == "coverage_digest"]
    assert digest_3.payload["changes"]["coverage"]["article_id"] == 3
    assert digest_4.payload["changes"]["coverage"]["article_id"] == 4
    assert digest_3.dedup_key != digest_4.dedup_key
    assert digest_3.payload["digest_window_s"] == 3600
    assert kinds(plan(change(created=True, status_before=None, coverage_added=True), first_article_view(), rules)) \
        == ["new_event"]


def test_digest_windows_are_aligned_so_every_worker_picks_the_same_one():
    assert digest_window_end(datetime(2025, 11, 15, 10, 12, 5, tzinfo=timezone.utc), 3600) == \
        datetime(2025, 11, 15, 11, 0, tzinfo=timezone.utc)
    assert digest_window_end(datetime(2025, 11, 15, 10, 59, 59, tzinfo=timezone.utc), 900) == \
        datetime(2025, 11, 15, 11, 0, tzinfo=timezone.utc)
    assert digest_window_end(datetime(2025, 11, 15, 11, 0, tzinfo=timezone.utc), 900) == \
        datetime(2025, 11, 15, 11, 15, tzinfo=timezone.utc)


# --- quiet hours ------------------------------------------------------------------------------

ALMATY = ZoneInfo("Asia/Almaty")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "quiet, local_now, expected_end",
    [
        pytest.param(QuietHours(time(22), time(7), "Asia/Almaty"), datetime(2025, 11, 15, 23, 30, tzinfo=ALMATY),
                     datetime(2025, 11, 16, 7, 0, tzinfo=ALMATY), id="overnight-before-midnight"),
        pytest.param(QuietHours(time(22), time(7), "Asia/Almaty"), datetime(2025, 11, 16, 3, 0, tzinfo=ALMATY),
                     datetime(2025, 11, 16, 7, 0, tzinfo=ALMATY), id="overnight-after-midnight"),
        pytest.param(QuietHours(time(22), time(7), "Asia/Almaty"), datetime(2025, 11, 16, 7, 0, tzinfo=ALMATY),
                     None, id="at-the-end-it-is-over"),
        pytest.param(QuietHours(time(22), time(7), "Asia/Almaty"), datetime(2025, 11, 15, 12, 0, tzinfo=ALMATY),
                     None, id="midday"),
        pytest.param(QuietHours(time(12), time(14), "Asia/Almaty"), datetime(2025, 11, 15, 12, 0, tzinfo=ALMATY),
                     datetime(2025, 11, 15, 14, 0, tzinfo=ALMATY), id="lunch-break"),
        pytest.param(QuietHours(time(22), time(7), "Asia/Almaty"), datetime(2025, 11, 15, 17, 30, tzinfo=timezone.utc),
                     datetime(2025, 11, 16, 7, 0, tzinfo=ALMATY), id="utc-clock-in-almaty-night"),
        pytest.param(QuietHours(time(1), time(6), "Europe/Berlin"), datetime(2025, 3, 30, 1, 30, tzinfo=BERLIN),
                     datetime(2025, 3, 30, 6, 0, tzinfo=BERLIN), id="night-of-the-clock-change"),
    ],
)
def test_quiet_until(quiet, local_now, expected_end):
    end = quiet_until(quiet, local_now)
    assert end == expected_end
    if end is not None:
        assert end.tzinfo == timezone.utc


def test_quiet_hours_stored_in_a_payload_work_the_same():
    stored = {"start": "22:00", "end": "07:00", "timezone": "Asia/Almaty"}
    now = datetime(2025, 11, 15, 23, 30, tzinfo=ALMATY)
    assert quiet_until(stored, now) == quiet_until(QuietHours(time(22), time(7), "Asia/Almaty"), now)
