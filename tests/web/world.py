"""A small, known world of rows for the API and dashboard tests, written with the models.

Four live reported events, one only mentioned in passing, and one merged into E1:

- E1: state visit with the 2nd Supreme Interstate Council, Tashkent, UZ, 2025-11-14..15, held,
  Tokayev + Mirziyoyev; four articles (kk, ru, uz-Cyrl, ru); two figures for the same measure
  that disagree (a conflict); three alerts in the outbox (sent, failed, pending).
- E2: 6th Consultative Meeting, Astana, KZ, 2024-08-09, held, Tokayev; one kk article.
- E3: talks in Bishkek, KG, 2025-03-02, announced, Japarov + Putin; one en article.
- E4: phone call, 2025-12-01, held, Mirziyoyev + Erdoğan; one uz-Latn article; no place.
- M1: the 7th Consultative Meeting, only mentioned in passing (role "mentioned").
- X1: merged into E1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope
from storage.models import Alert, Article, Claim, Coverage, Event, EventMentionRow, Source

SEEN = datetime(2025, 11, 15, 12, 0, tzinfo=timezone.utc)

KK_TEXT = ("Мемлекет басшысы Өзбекстан Президенті Шавкат Мирзиёевпен келіссөздер жүргізді. "
           "Қазақстан-Өзбекстан Жоғары мемлекетаралық кеңесінің екінші отырысы өтті.")
RU_TEXT = ("Касым-Жомарт Токаев прибыл в Ташкент с государственным визитом. "
           "В ходе визита запущены семь проектов на сумму 1,2 млрд долларов.")
UZ_TEXT = ("Тошкентда Қозоғистон Президенти Қасим-Жомарт Тоқаев билан музокаралар бўлиб ўтди. "
           "Қиймати 1,3 миллиард долларлик лойиҳалар ишга туширилди.")
RU2_TEXT = "Лидеры двух стран обсудили водные ресурсы и транспорт. Подписано 12 документов."
KK2_TEXT = "Астанада саммит өтті."
EN_TEXT = "Japarov and Putin will meet in Bishkek."

# key, name, role, country, language, last outcome, error count
SOURCES = [
    ("akorda", "Akorda", "official", "KZ", "kk", "ok", 0),
    ("prosud", "prosud.kz", "press", "KZ", "ru", "ok", 0),
    ("uzdaily", "UzDaily", "press", "UZ", "uz", "blocked", 4),
    ("kazpravda", "Kazakhstanskaya Pravda", "press", "KZ", "ru", "ok", 0),
    ("24kz", "24.kz", "press", "KZ", "kk", "ok", 0),
    ("akipress", "AKIpress", "press", "KG", "en", "ok", 0),
    ("kunuz", "Kun.uz", "press", "UZ", "uz", None, 0),
]
# key, source, language, title, clean text, hours after SEEN
ARTICLES = [
    ("e1-kk", "akorda", "kk", "Мемлекет басшысы Жоғары мемлекетаралық кеңестің отырысына қатысты", KK_TEXT, 1),
    ("e1-ru", "prosud", "ru", "Токаев и Мирзиёев провели переговоры в Ташкенте", RU_TEXT, 2),
    ("e1-uz", "uzdaily", "uz-Cyrl", "Олий давлатлараро кенгашнинг иккинчи йиғилиши бўлиб ўтди", UZ_TEXT, 3),
    ("e1-ru2", "kazpravda", "ru", "Итоги государственного визита в Узбекистан", RU2_TEXT, 50),
    ("e2-kk", "24kz", "kk", "Орталық Азия мемлекеттері басшыларының консультативтік кездесуі", KK2_TEXT, -460),
    ("e3-en", "akipress", "en", "Japarov and Putin to hold talks in Bishkek", EN_TEXT, -200),
    ("e4-uz", "kunuz", "uz-Latn", "Mirziyoyev va Erdo‘g‘an telefon orqali muloqot qildi", "Telefon orqali.", 400),
]


@dataclass(frozen=True)
class World:
    e1: int
    e2: int
    e3: int
    e4: int
    m1: int
    x1: int
    sources: dict[str, int]
    articles: dict[str, int]


def span(text: str, phrase: str) -> dict[str, Any]:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def build_world(engine: Engine) -> World:
    with session_scope(engine) as session:
        sources = {row[0]: _source(session, *row) for row in SOURCES}
        articles = {row[0]: _article(session, sources, *row) for row in ARTICLES}
        articles["pending"] = _add(session, Article(source_id=sources["kunuz"], url="https://kunuz.example/pending",
                                                    canonical_url="https://kunuz.example/pending", state="pending"))
        events = _events(session)
        _coverage(session, events, articles)
        _figures(session, events["e1"], articles)
        for kind, state in (("new_event", "sent"), ("status_changed", "failed"), ("conflict", "pending")):
            session.add(Alert(event_id=events["e1"], kind=kind, channel="log", dedup_key=f"{events['e1']}:{kind}:log:1",
                              state=state))
        return World(**events, sources=sources, articles=articles)


def _source(session: Session, key: str, name: str, role: str, country: str, language: str, outcome: str | None,
            errors: int) -> int:
    return _add(session, Source(
        key=key, name=name, kind="rss", url=f"https://{key}.example/rss", host=f"{key}.example", role=role,
        country=country, languages=[language], timezone="Asia/Almaty", last_outcome=outcome, items_seen=3,
        error_count=errors, last_error="HTTP 403" if outcome == "blocked" else None, last_polled_at=SEEN,
        last_new_item_at=SEEN,
    ))


def _article(session: Session, sources: dict[str, int], key: str, source: str, language: str, title: str, text: str,
             hours: int) -> int:
    url = f"https://{source}.example/{key}"
    published = SEEN + timedelta(hours=hours)
    return _add(session, Article(
        source_id=sources[source], url=url, canonical_url=url, title=title, language=language,
        script="Latn" if language in ("en", "uz-Latn") else "Cyrl", clean_text=text, state="processed",
        published_at=published, fetched_at=published,
    ))


def _events(session: Session) -> dict[str, int]:
    held = [{"status": "held", "date": "2025-11-15", "published": "2025-11-15T13:00:00+00:00"}]
    documents = [{"title": "Соглашение о совместном управлении трансграничными водными объектами"},
                 {"title": "Программа промышленной кооперации на 2025–2027 годы"}]
    events = {
        "e1": _event(session, SEEN + timedelta(hours=50), type="state_visit", format="sic-kz-uz", ordinal=2,
                     city="tashkent", country="UZ", date_start=date(2025, 11, 14), date_end=date(2025, 11, 15),
                     status="held", participants=["kz-tokayev", "uz-mirziyoyev"], documents=documents,
                     topics=["water", "transport"], article_count=4, independent_source_count=4, has_conflict=True,
                     status_history=held),
        "e2": _event(session, SEEN - timedelta(days=400), type="summit", format="ca-consultative-meeting", ordinal=6,
                     city="astana", country="KZ", date_start=date(2024, 8, 9), date_end=date(2024, 8, 9),
                     status="held", participants=["kz-tokayev"], article_count=1, independent_source_count=1),
        "e3": _event(session, SEEN - timedelta(days=200), type="talks", city="bishkek", country="KG",
                     date_start=date(2025, 3, 2), date_end=date(2025, 3, 2), status="announced",
                     participants=["kg-japarov", "ru-putin"], article_count=1, independent_source_count=1),
        "e4": _event(session, SEEN + timedelta(days=16), type="phone_call", date_start=date(2025, 12, 1),
                     date_end=date(2025, 12, 1), status="held", participants=["uz-mirziyoyev", "tr-erdogan"],
                     article_count=1, independent_source_count=1),
        "m1": _event(session, SEEN, role="mentioned", type="summit", format="ca-consultative-meeting", ordinal=7,
                     city="tashkent", country="UZ", date_start=date(2025, 11, 16), date_end=date(2025, 11, 16),
                     status="announced", article_count=1, independent_source_count=1),
    }
    events["x1"] = _event(session, SEEN, type="council_session", city="tashkent", country="UZ",
                          date_start=date(2025, 11, 15), date_end=date(2025, 11, 15), status="held",
                          participants=["kz-tokayev"], merged_into_id=events["e1"])
    return events


def _coverage(session: Session, events: dict[str, int], articles: dict[str, int]) -> None:
    spans = {
        ("e1", "e1-kk"): {"participants": [span(KK_TEXT, "Шавкат Мирзиёевпен")],
                          "format": [span(KK_TEXT, "екінші отырысы")]},
        ("e1", "e1-ru"): {"city": [span(RU_TEXT, "Ташкент")], "type": [span(RU_TEXT, "государственным визитом")],
                          "participants": [span(RU_TEXT, "Касым-Жомарт Токаев")]},
        ("e1", "e1-uz"): {"city": [span(UZ_TEXT, "Тошкентда")], "participants": [span(UZ_TEXT, "Қасим-Жомарт Тоқаев")]},
        ("e1", "e1-ru2"): {"documents_count": [span(RU2_TEXT, "Подписано 12 документов")]},
        ("e2", "e2-kk"): {"city": [span(KK2_TEXT, "Астанада")]},
        ("e3", "e3-en"): {"city": [span(EN_TEXT, "Bishkek")]},
        ("e4", "e4-uz"): {},
        ("m1", "e1-uz"): {},
    }
    for (event, article), fields in spans.items():
        role = "mentioned" if event == "m1" else "reported"
        mention = _add(session, EventMentionRow(
            article_id=articles[article], event_id=events[event], fingerprint=f"{event}-{article}", role=role,
            type="state_visit", status="held", extractor_version="test", data={"spans": fields},
        ))
        session.add(Coverage(event_id=events[event], article_id=articles[article], mention_id=mention, role=role,
                             fields=sorted(fields)))


def _figures(session: Session, e1: int, articles: dict[str, int]) -> None:
    conflict = "projects_launched:USD"
    _claim(session, e1, articles["e1-ru"], RU_TEXT, 1.2e9, count=7, group=conflict)
    _claim(session, e1, articles["e1-uz"], UZ_TEXT, 1.3e9, group=conflict)
    _claim(session, e1, articles["e1-ru2"], RU2_TEXT, 12, measure="documents", unit="count", currency=None)


def _add(session: Session, row) -> int:
    session.add(row)
    session.flush()
    return row.id


def _event(session: Session, last_seen_at: datetime, *, role: str = "reported", **values) -> int:
    return _add(session, Event(role=role, first_seen_at=last_seen_at, last_seen_at=last_seen_at, **values))


def _claim(session: Session, event_id: int, article_id: int, text: str, value: float, *, count: int | None = None,
           group: str | None = None, measure: str = "projects_launched", unit: str = "USD",
           currency: str | None = "USD") -> None:
    """A figure stated in the last sentence of ``text``."""
    start = text.rindex(". ") + 2
    session.add(Claim(event_id=event_id, article_id=article_id, measure=measure, value=value, unit=unit,
                      currency=currency, count=count, sentence=text[start:], span_start=start, span_end=len(text),
                      conflict_group=group))
