"""A small, known world of rows for the API and dashboard tests, written with the models.

Four live reported events, one only mentioned in passing, and one merged into E1:

- E1: state visit to Tashkent, UZ, 2025-11-14..15, held, Tokayev + Mirziyoyev; four articles
  (kk, ru, uz-Cyrl, ru); two figures for the same measure that disagree (a conflict).
- E2: 6th Consultative Meeting, Astana, KZ, 2024-08-09, held, Tokayev; one kk article.
- E3: talks in Bishkek, KG, 2025-03-02, announced, Japarov + Putin; one en article.
- E4: phone call, 2025-12-01, held, Mirziyoyev + Erdoğan; one uz-Latn article; no place.
- M1: the 7th Consultative Meeting, only mentioned in passing (role "mentioned").
- X1: merged into E1.

E1 has three alerts in the outbox: one sent, one failed, one pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.engine import Engine

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
        sources = {
            key: _add(session, Source(key=key, name=name, kind="rss", url=f"https://{key}.example/rss", host=f"{key}.example",
                                      role=role, country=country, languages=[language], timezone="Asia/Almaty",
                                      last_outcome=outcome, items_seen=3, error_count=errors,
                                      last_error="HTTP 403" if outcome == "blocked" else None,
                                      last_polled_at=SEEN, last_new_item_at=SEEN))
            for key, name, role, country, language, outcome, errors in [
                ("akorda", "Akorda", "official", "KZ", "kk", "ok", 0),
                ("prosud", "prosud.kz", "press", "KZ", "ru", "ok", 0),
                ("uzdaily", "UzDaily", "press", "UZ", "uz", "blocked", 4),
                ("kazpravda", "Kazakhstanskaya Pravda", "press", "KZ", "ru", "ok", 0),
                ("24kz", "24.kz", "press", "KZ", "kk", "ok", 0),
                ("akipress", "AKIpress", "press", "KG", "en", "ok", 0),
                ("kunuz", "Kun.uz", "press", "UZ", "uz", None, 0),
            ]
        }
        specs = [
            ("e1-kk", "akorda", "kk", "Cyrl", "Мемлекет басшысы Жоғары мемлекетаралық кеңестің отырысына қатысты", KK_TEXT, 1),
            ("e1-ru", "prosud", "ru", "Cyrl", "Токаев и Мирзиёев провели переговоры в Ташкенте", RU_TEXT, 2),
            ("e1-uz", "uzdaily", "uz-Cyrl", "Cyrl", "Олий давлатлараро кенгашнинг иккинчи йиғилиши бўлиб ўтди", UZ_TEXT, 3),
            ("e1-ru2", "kazpravda", "ru", "Cyrl", "Итоги государственного визита в Узбекистан", RU2_TEXT, 50),
            ("e2-kk", "24kz", "kk", "Cyrl", "Орталық Азия мемлекеттері басшыларының консультативтік кездесуі", "Астанада саммит өтті.", -460),
            ("e3-en", "akipress", "en", "Latn", "Japarov and Putin to hold talks in Bishkek", "Japarov and Putin will meet in Bishkek.", -200),
            ("e4-uz", "kunuz", "uz-Latn", "Latn", "Mirziyoyev va Erdo‘g‘an telefon orqali muloqot qildi", "Prezidentlar telefon orqali gaplashdi.", 400),
        ]
        articles = {
            key: _add(session, Article(source_id=sources[source], url=f"https://{source}.example/{key}",
                                       canonical_url=f"https://{source}.example/{key}", title=title, language=language,
                                       script=script, clean_text=text, state="processed",
                                       published_at=SEEN + timedelta(hours=hours), fetched_at=SEEN + timedelta(hours=hours)))
            for key, source, language, script, title, text, hours in specs
        }
        articles["pending"] = _add(session, Article(source_id=sources["kunuz"], url="https://kunuz.example/pending",
                                                    canonical_url="https://kunuz.example/pending", state="pending"))

        e1 = _event(session, type="state_visit", format="sic-kz-uz", ordinal=2, city="tashkent", country="UZ", date_start=date(2025, 11, 14),
                    date_end=date(2025, 11, 15), status="held", participants=["kz-tokayev", "uz-mirziyoyev"],
                    documents=[{"title": "Соглашение о совместном управлении трансграничными водными объектами"},
                               {"title": "Программа промышленной кооперации на 2025–2027 годы"}],
                    topics=["water", "transport"], article_count=4, independent_source_count=4, has_conflict=True,
                    status_history=[{"status": "held", "date": "2025-11-15", "published": "2025-11-15T13:00:00+00:00"}],
                    last_seen_at=SEEN + timedelta(hours=50))
        e2 = _event(session, type="summit", format="ca-consultative-meeting", ordinal=6, city="astana", country="KZ",
                    date_start=date(2024, 8, 9), date_end=date(2024, 8, 9), status="held", participants=["kz-tokayev"],
                    article_count=1, independent_source_count=1, last_seen_at=SEEN - timedelta(days=400))
        e3 = _event(session, type="talks", city="bishkek", country="KG", date_start=date(2025, 3, 2),
                    date_end=date(2025, 3, 2), status="announced", participants=["kg-japarov", "ru-putin"],
                    article_count=1, independent_source_count=1, last_seen_at=SEEN - timedelta(days=200))
        e4 = _event(session, type="phone_call", date_start=date(2025, 12, 1), date_end=date(2025, 12, 1), status="held",
                    participants=["uz-mirziyoyev", "tr-erdogan"], article_count=1, independent_source_count=1,
                    last_seen_at=SEEN + timedelta(days=16))
        m1 = _event(session, type="summit", format="ca-consultative-meeting", ordinal=7, city="tashkent", country="UZ",
                    date_start=date(2025, 11, 16), date_end=date(2025, 11, 16), status="announced", role="mentioned",
                    participants=[], article_count=1, independent_source_count=1, last_seen_at=SEEN)
        x1 = _event(session, type="council_session", city="tashkent", country="UZ", date_start=date(2025, 11, 15),
                    date_end=date(2025, 11, 15), status="held", participants=["kz-tokayev"], last_seen_at=SEEN)
        session.flush()
        _merge_marker(session, x1, e1)

        mention_spans = {
            "e1-kk": {"participants": [span(KK_TEXT, "Шавкат Мирзиёевпен")], "format": [span(KK_TEXT, "екінші отырысы")]},
            "e1-ru": {"city": [span(RU_TEXT, "Ташкент")], "type": [span(RU_TEXT, "государственным визитом")],
                      "participants": [span(RU_TEXT, "Касым-Жомарт Токаев")]},
            "e1-uz": {"city": [span(UZ_TEXT, "Тошкентда")], "participants": [span(UZ_TEXT, "Қасим-Жомарт Тоқаев")]},
            "e1-ru2": {"documents_count": [span(RU2_TEXT, "Подписано 12 документов")]},
        }
        for key, spans in mention_spans.items():
            _cover(session, e1, articles[key], spans)
        _cover(session, e2, articles["e2-kk"], {"city": [span("Астанада саммит өтті.", "Астанада")]})
        _cover(session, e3, articles["e3-en"], {"city": [span("Japarov and Putin will meet in Bishkek.", "Bishkek")]})
        _cover(session, e4, articles["e4-uz"], {})
        _cover(session, m1, articles["e1-uz"], {}, role="mentioned")

        _claim(session, e1, articles["e1-ru"], RU_TEXT, "семь проектов на сумму 1,2 млрд долларов", 1.2e9, count=7,
               group="projects_launched:USD")
        _claim(session, e1, articles["e1-uz"], UZ_TEXT, "1,3 миллиард долларлик", 1.3e9, group="projects_launched:USD")
        _claim(session, e1, articles["e1-ru2"], RU2_TEXT, "12 документов", 12, measure="documents", unit="count",
               currency=None)
        for kind, state in (("new_event", "sent"), ("status_changed", "failed"), ("conflict", "pending")):
            session.add(Alert(event_id=e1, kind=kind, channel="log", dedup_key=f"{e1}:{kind}:log:1", state=state))
        return World(e1=e1, e2=e2, e3=e3, e4=e4, m1=m1, x1=x1, sources=sources, articles=articles)


def _add(session, row) -> int:
    session.add(row)
    session.flush()
    return row.id


def _event(session, *, last_seen_at: datetime, role: str = "reported", **values) -> int:
    return _add(session, Event(role=role, first_seen_at=last_seen_at, last_seen_at=last_seen_at, **values))


def _merge_marker(session, merged_id: int, into_id: int) -> None:
    event = session.get(Event, merged_id)
    event.merged_into_id = into_id
    session.add(event)


def _cover(session, event_id: int, article_id: int, spans: dict[str, list[dict]], role: str = "reported") -> None:
    mention = _add(session, EventMentionRow(article_id=article_id, event_id=event_id, fingerprint=f"{event_id}-{article_id}",
                                            role=role, type="state_visit", status="held", extractor_version="test",
                                            data={"spans": spans}))
    session.add(Coverage(event_id=event_id, article_id=article_id, mention_id=mention, role=role, fields=sorted(spans)))


def _claim(session, event_id: int, article_id: int, text: str, phrase: str, value: float, *, count: int | None = None,
           group: str | None = None, measure: str = "projects_launched", unit: str = "USD",
           currency: str | None = "USD") -> None:
    sentence_start = text.rfind(". ", 0, text.index(phrase)) + 2
    session.add(Claim(event_id=event_id, article_id=article_id, measure=measure, value=value, unit=unit,
                      currency=currency, count=count, sentence=text[sentence_start:], span_start=sentence_start,
                      span_end=len(text), conflict_group=group))
