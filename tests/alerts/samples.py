"""Event views and changes as the pipeline hands them to alert planning, after the seeds."""

from __future__ import annotations

import copy
from typing import Any

from tests.alerts.conftest import MIRZIYOYEV, TOKAYEV
from workers.records import EventChange

E1_COVERAGE = [
    {"article_id": 1, "url": "https://www.akorda.kz/kz/memleket-basshysy-zhogary-memleketaralyk-kenestin-otyrysyna-katysty",
     "source": "akorda", "source_name": "Akorda", "language": "kk", "published_at": "2025-11-15T10:00:00Z",
     "title": "Мемлекет басшысы Қазақстан – Өзбекстан Жоғары мемлекетаралық кеңесінің отырысына қатысты"},
    {"article_id": 2, "url": "https://prosud.kz/news/tokaev-i-mirziyoev-proveli-peregovory",
     "source": "prosud", "source_name": "prosud.kz", "language": "ru", "published_at": "2025-11-15T06:45:00Z",
     "title": "Токаев и Мирзиёев провели переговоры в Ташкенте"},
    {"article_id": 3, "url": "https://uzdaily.uz/uz/post/oliy-davlatlararo-kengash",
     "source": "uzdaily", "source_name": "UzDaily", "language": "uz-Cyrl", "published_at": "2025-11-15T12:00:00Z",
     "title": "Олий давлатлараро кенгашнинг иккинчи йиғилиши Кўксаройда бўлиб ўтди"},
    {"article_id": 4, "url": "https://kazpravda.kz/n/novyy-uroven-strategicheskogo-partnerstva",
     "source": "kazpravda", "source_name": "Kazakhstanskaya Pravda", "language": "ru",
     "published_at": "2025-11-17T04:00:00Z", "title": "Новый уровень стратегического партнёрства"},
]

E1_VIEW: dict[str, Any] = {
    "id": 1,
    "title": "State visit — Kassym-Jomart Tokayev and Shavkat Mirziyoyev in Tashkent, Uzbekistan",
    "type": "state_visit",
    "format": "Supreme Interstate Council Kazakhstan–Uzbekistan",
    "format_id": "kz_uz_supreme_interstate_council",
    "ordinal": 2,
    "city": "Tashkent",
    "city_id": "tashkent",
    "country": "Uzbekistan",
    "country_ids": ["UZ"],
    "date_start": "2025-11-14",
    "date_end": "2025-11-15",
    "status": "held",
    "role": "reported",
    "participants": ["Kassym-Jomart Tokayev", "Shavkat Mirziyoyev"],
    "participant_ids": [TOKAYEV, MIRZIYOYEV],
    "documents": ["Agreement on joint management of transboundary water bodies"],
    "article_count": 4,
    "independent_source_count": 4,
    "content_version": 3,
    "languages": ["kk", "ru", "uz-Cyrl"],
    "coverage": E1_COVERAGE,
    "conflicts": [
        {"group": "projects_launched", "measure": "projects launched during the visit", "values": [
            {"value": 1.3e9, "unit": "USD", "currency": "USD", "source": "uzdaily", "url": E1_COVERAGE[2]["url"]},
            {"value": 1.2e9, "unit": "USD", "currency": "USD", "count": 7, "source": "kazpravda",
             "url": E1_COVERAGE[3]["url"]},
        ]},
    ],
}

E2_VIEW: dict[str, Any] = {
    "id": 2,
    "title": "6th Consultative Meeting of the Heads of State of Central Asia (Astana, Kazakhstan)",
    "type": "summit",
    "format": "Consultative Meeting of the Heads of State of Central Asia",
    "format_id": "ca_consultative_meeting",
    "ordinal": 6,
    "city": "Astana",
    "country": "Kazakhstan",
    "country_ids": ["KZ"],
    "date_start": "2024-08-09",
    "date_end": "2024-08-09",
    "status": "held",
    "role": "reported",
    "participants": ["Kassym-Jomart Tokayev"],
    "participant_ids": [TOKAYEV],
    "documents": ["Central Asia 2040 regional cooperation concept", "Roadmap 2025–2027"],
    "article_count": 1,
    "independent_source_count": 1,
    "languages": ["kk"],
    "coverage": [
        {"article_id": 5, "url": "https://24.kz/kz/zhanalyqtar/konsultativtik-kezdesu", "source": "24kz",
         "source_name": "24.kz", "language": "kk", "published_at": "2024-08-09T09:00:00Z",
         "title": "Астанада Орталық Азия мемлекеттері басшыларының алтыншы Консультативтік кездесуі өтті"},
    ],
    "conflicts": [],
}


def view(base: dict[str, Any] = E1_VIEW, **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(base)
    result.update(changes)
    return result


def first_article_view(base: dict[str, Any] = E1_VIEW) -> dict[str, Any]:
    """The event as its first article leaves it."""
    return view(base, article_count=1, independent_source_count=1, coverage=base["coverage"][:1],
                languages=[base["coverage"][0]["language"]], conflicts=[])


def change(event_id: int = 1, *, created: bool = False, role: str = "reported", status_before: str | None = "held",
           status_after: str = "held", content_version: int = 1, **extra: Any) -> EventChange:
    return EventChange(event_id=event_id, created=created, role=role, status_before=status_before,
                       status_after=status_after, content_version=content_version, **extra)
