"""The date grammar: every language's forms, ranges, relative words, publication strings."""

from __future__ import annotations

from datetime import date, datetime, UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workers.extract.dates import date_spans, find_dates, parse_published

ALMATY = ZoneInfo("Asia/Almaty")
TASHKENT = ZoneInfo("Asia/Tashkent")
# Saturday 15 November 2025, late morning in Central Asia.
ANCHOR = datetime(2025, 11, 15, 11, 45, tzinfo=ALMATY)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"

D = date

# (name, text, [(start, end, span text, relative)])
EXPLICIT_CASES = [
    (
        "ru day month",
        "Саммит пройдет 15 ноября в Ташкенте.",
        [(D(2025, 11, 15), D(2025, 11, 15), "15 ноября", False)],
    ),
    (
        "ru day month year",
        "Визит состоялся 20 января 2026 г. в Астане.",
        [(D(2026, 1, 20), D(2026, 1, 20), "20 января 2026 г.", False)],
    ),
    (
        "ru genitive day -го",
        "Переговоры назначены на 3-го декабря.",
        [(D(2025, 12, 3), D(2025, 12, 3), "3-го декабря", False)],
    ),
    (
        "ru range en dash",
        "Глава государства 14–15 ноября посетил Узбекистан.",
        [(D(2025, 11, 14), D(2025, 11, 15), "14–15 ноября", False)],
    ),
    (
        "ru range с по",
        "Форум пройдет с 14 по 15 ноября.",
        [(D(2025, 11, 14), D(2025, 11, 15), "с 14 по 15 ноября", False)],
    ),
    (
        "ru range across months",
        "Выставка работала 14 ноября – 2 декабря.",
        [(D(2025, 11, 14), D(2025, 12, 2), "14 ноября – 2 декабря", False)],
    ),
    (
        "ru range across months с по year",
        "Учения прошли с 28 октября по 2 ноября 2024 года.",
        [(D(2024, 10, 28), D(2024, 11, 2), "с 28 октября по 2 ноября 2024 года", False)],
    ),
    (
        "ru month alone past",
        "В декабре прошел саммит ШОС.",
        [(D(2024, 12, 1), D(2024, 12, 31), "декабре", False)],
    ),
    (
        "ru month of the current year",
        "Программа, подписанная в марте текущего года, работает.",
        [(D(2025, 3, 1), D(2025, 3, 31), "марте текущего года", False)],
    ),
    (
        "ru nominative month",
        "Ноябрь выдался насыщенным.",
        [(D(2025, 11, 1), D(2025, 11, 30), "Ноябрь", False)],
    ),
    (
        "ru last year",
        "Это было 15 ноября прошлого года.",
        [(D(2024, 11, 15), D(2024, 11, 15), "15 ноября прошлого года", False)],
    ),
    (
        "kk day month",
        "Кездесу 15 қараша күні өтеді.",
        [(D(2025, 11, 15), D(2025, 11, 15), "15 қараша күні", False)],
    ),
    (
        "kk locative month",
        "Келіссөздер қарашада өтті.",
        [(D(2025, 11, 1), D(2025, 11, 30), "қарашада", False)],
    ),
    (
        "kk year first",
        "Саммит 2024 жылғы 9 тамыз күні Астанада өтті.",
        [(D(2024, 8, 9), D(2024, 8, 9), "2024 жылғы 9 тамыз күні", False)],
    ),
    (
        "kk locative day month",
        "Форум 9 тамызда өтті.",
        [(D(2025, 8, 9), D(2025, 8, 9), "9 тамызда", False)],
    ),
    (
        "kk range",
        "Сапар 14-15 қараша аралығында өтті.",
        [(D(2025, 11, 14), D(2025, 11, 15), "14-15 қараша", False)],
    ),
    (
        "kk genitive month first",
        "Ол қарашаның 20-сы күні келеді.",
        [(D(2025, 11, 20), D(2025, 11, 20), "қарашаның 20-сы", False)],
    ),
    ("kk Kazan is a city", "Тоқаев Қазанда болды.", []),
    (
        "kk October with the month word",
        "Жиын қазан айында өтті.",
        [(D(2025, 10, 1), D(2025, 10, 31), "қазан айында", False)],
    ),
    (
        "uz-Cyrl day month kuni",
        "Учрашув 15 ноябрь куни бўлиб ўтади.",
        [(D(2025, 11, 15), D(2025, 11, 15), "15 ноябрь куни", False)],
    ),
    (
        "uz-Cyrl range kunlari",
        "Форум 15-16 ноябрь кунлари ўтказилади.",
        [(D(2025, 11, 15), D(2025, 11, 16), "15-16 ноябрь кунлари", False)],
    ),
    (
        "uz-Cyrl month oyida",
        "Музокаралар ноябрь ойида бўлади.",
        [(D(2025, 11, 1), D(2025, 11, 30), "ноябрь ойида", False)],
    ),
    (
        "uz-Cyrl current year",
        "Жорий йилнинг 16 ноябрь куни Тошкент шаҳрида учрашув бўлади.",
        [(D(2025, 11, 16), D(2025, 11, 16), "Жорий йилнинг 16 ноябрь куни", False)],
    ),
    (
        "uz-Latn hyphen",
        "Sammit 15-noyabr kuni o'tadi.",
        [(D(2025, 11, 15), D(2025, 11, 15), "15-noyabr kuni", False)],
    ),
    (
        "uz-Latn space kuni",
        "Uchrashuv 15 noyabr kuni bo'ldi.",
        [(D(2025, 11, 15), D(2025, 11, 15), "15 noyabr kuni", False)],
    ),
    (
        "uz-Latn locative month",
        "Tashrif noyabrda bo'lib o'tdi.",
        [(D(2025, 11, 1), D(2025, 11, 30), "noyabrda", False)],
    ),
    (
        "uz-Latn year first",
        "2025-yil 15-noyabr kuni imzolandi.",
        [(D(2025, 11, 15), D(2025, 11, 15), "2025-yil 15-noyabr kuni", False)],
    ),
    ("uz oil is not May", "Пахта ва май ишлаб чиқариш ошди.", []),
    (
        "en day month",
        "The summit opens on 15 November.",
        [(D(2025, 11, 15), D(2025, 11, 15), "15 November", False)],
    ),
    (
        "en month day year",
        "Signed on November 15, 2025 in Tashkent.",
        [(D(2025, 11, 15), D(2025, 11, 15), "November 15, 2025", False)],
    ),
    (
        "en month day range",
        "Talks are set for November 14-15.",
        [(D(2025, 11, 14), D(2025, 11, 15), "November 14-15", False)],
    ),
    (
        "en from to",
        "The forum runs from 14 to 15 November.",
        [(D(2025, 11, 14), D(2025, 11, 15), "from 14 to 15 November", False)],
    ),
    ("en modal may is not a month", "Leaders may meet again.", []),
    (
        "kk October next year by tense",
        "Жиын қазан айында өтеді.",
        [(D(2026, 10, 1), D(2026, 10, 31), "қазан айында", False)],
    ),
    (
        "en month year",
        "Elections were held in May 2024.",
        [(D(2024, 5, 1), D(2024, 5, 31), "May 2024", False)],
    ),
    (
        "numeric",
        "Опубликовано 14.11.2025 в 19:48.",
        [(D(2025, 11, 14), D(2025, 11, 14), "14.11.2025", False)],
    ),
    (
        "numeric range",
        "Сессия 14-15.11.2025 в Бишкеке.",
        [(D(2025, 11, 14), D(2025, 11, 15), "14-15.11.2025", False)],
    ),
    ("iso", "date 2025-11-15 Тоқаев", [(D(2025, 11, 15), D(2025, 11, 15), "2025-11-15", False)]),
    (
        "two days joined by и",
        "Встречи прошли 14 и 16 ноября.",
        [
            (D(2025, 11, 14), D(2025, 11, 14), "14", False),
            (D(2025, 11, 16), D(2025, 11, 16), "16 ноября", False),
        ],
    ),
    (
        "consecutive days joined by и",
        "Встречи прошли 14 и 15 ноября.",
        [(D(2025, 11, 14), D(2025, 11, 15), "14 и 15 ноября", False)],
    ),
    ("a year range is no date", "Программа сотрудничества на 2026–2027 годы.", []),
    ("a decimal is no date", "Проекты на сумму 1,7 млрд долларов.", []),
    ("Zhomart is no March", "Касым-Жомарт Токаев прибыл.", []),
    ("invalid day", "31 ноября ничего не было.", []),
]

# More shapes met on news pages.
EXPLICIT_CASES += [
    (
        "en range across a new year",
        "Talks run December 31, 2025 - January 2, 2026.",
        [(D(2025, 12, 31), D(2026, 1, 2), "December 31, 2025 - January 2, 2026", False)],
    ),
    (
        "ru em dash across months",
        "Форум пройдет 30 ноября — 1 декабря в Бишкеке.",
        [(D(2025, 11, 30), D(2025, 12, 1), "30 ноября — 1 декабря", False)],
    ),
    (
        "kk genitive year, possessive locative month",
        "Келісім 2025 жылдың 15 қарашасында жасалды.",
        [(D(2025, 11, 15), D(2025, 11, 15), "2025 жылдың 15 қарашасында", False)],
    ),
    (
        "kk month first with day ending",
        "Форум қарашаның 15-інде өтті.",
        [(D(2025, 11, 15), D(2025, 11, 15), "қарашаның 15-інде", False)],
    ),
    (
        "weekday before its date gives way",
        "В пятницу, 14 ноября, президенты встретились.",
        [(D(2025, 11, 14), D(2025, 11, 14), "14 ноября", False)],
    ),
    ("environment is not Wednesday", "Охрана окружающей среды важна.", []),
]

RELATIVE_CASES = [
    ("ru today", "Сегодня, 11:45", D(2025, 11, 15)),
    ("ru yesterday", "Вчера президент подписал указ.", D(2025, 11, 14)),
    ("ru tomorrow", "Завтра начнется форум.", D(2025, 11, 16)),
    ("ru the day before", "Накануне лидеры провели переговоры.", D(2025, 11, 14)),
    ("ru day after tomorrow", "Послезавтра откроется выставка.", D(2025, 11, 17)),
    ("kk today", "Бүгін Астанада саммит өтті.", D(2025, 11, 15)),
    ("kk yesterday", "Кеше келіссөздер өтті.", D(2025, 11, 14)),
    ("kk tomorrow", "Ертең форум ашылады.", D(2025, 11, 16)),
    ("uz-Cyrl today", "Бугун 13:35", D(2025, 11, 15)),
    ("uz-Cyrl yesterday", "Кеча музокаралар бўлди.", D(2025, 11, 14)),
    ("uz-Cyrl tomorrow", "Эртага олий кенгаш йиғилади.", D(2025, 11, 16)),
    ("uz-Latn today", "Bugun prezident qabul qildi.", D(2025, 11, 15)),
    ("uz-Latn yesterday", "Kecha muzokaralar bo'ldi.", D(2025, 11, 14)),
    ("uz-Latn tomorrow", "Ertaga forum ochiladi.", D(2025, 11, 16)),
    ("en today", "Today the leaders met.", D(2025, 11, 15)),
    ("en yesterday", "The deal was signed yesterday.", D(2025, 11, 14)),
    ("en tomorrow", "Talks resume tomorrow.", D(2025, 11, 16)),
    # 15 November 2025 is a Saturday.
    ("ru weekday nearest", "В пятницу президенты провели переговоры.", D(2025, 11, 14)),
    ("ru weekday next by tense", "Во вторник состоится заседание.", D(2025, 11, 18)),
    ("ru weekday last by modifier", "В прошлую субботу прошел форум.", D(2025, 11, 8)),
    ("kk weekday", "Жұма күні келіссөздер өтті.", D(2025, 11, 14)),
    ("kk weekday next", "Келесі дүйсенбіде жиын өтеді.", D(2025, 11, 17)),
    ("uz-Cyrl weekday", "Жума куни музокаралар бўлди.", D(2025, 11, 14)),
    ("uz-Latn weekday future", "Dushanba kuni sammit o'tadi.", D(2025, 11, 17)),
    ("en weekday", "The ministers met on Friday.", D(2025, 11, 14)),
    ("en next weekday", "They meet next Monday.", D(2025, 11, 17)),
]


@pytest.mark.parametrize(
    ("name", "text", "expected"), EXPLICIT_CASES, ids=[c[0] for c in EXPLICIT_CASES]
)
def test_explicit_dates(name: str, text: str, expected: list[tuple[date, date, str, bool]]) -> None:
    found = find_dates(text, ANCHOR, "Asia/Almaty")
    assert [(m.start, m.end, m.span.text, m.relative) for m in found] == expected
    for mention in found:
        assert text[mention.span.start : mention.span.end] == mention.span.text


@pytest.mark.parametrize(
    ("name", "text", "day"), RELATIVE_CASES, ids=[c[0] for c in RELATIVE_CASES]
)
def test_relative_dates(name: str, text: str, day: date) -> None:
    found = find_dates(text, ANCHOR, "Asia/Almaty")
    assert [(m.start, m.end, m.relative) for m in found] == [(day, day, True)]


@pytest.mark.parametrize(
    ("name", "text", "day"), RELATIVE_CASES[:3], ids=[c[0] for c in RELATIVE_CASES[:3]]
)
def test_relative_dates_need_an_anchor(name: str, text: str, day: date) -> None:
    assert find_dates(text, None) == []


def test_dates_without_a_year_need_an_anchor() -> None:
    found = find_dates("С 14 по 15 ноября 2025 года и 16 ноября.", None)
    assert [(m.start, m.end) for m in found] == [(D(2025, 11, 14), D(2025, 11, 15))]


@pytest.mark.parametrize(
    ("name", "anchor", "tz", "day"),
    [
        (
            "evening UTC is the next day in Tashkent",
            datetime(2025, 11, 14, 20, 30, tzinfo=UTC),
            "Asia/Tashkent",
            D(2025, 11, 15),
        ),
        (
            "same instant in UTC",
            datetime(2025, 11, 14, 20, 30, tzinfo=UTC),
            "UTC",
            D(2025, 11, 14),
        ),
        (
            "naive anchor is taken as local",
            datetime(2025, 11, 15, 0, 10),
            "Asia/Almaty",
            D(2025, 11, 15),
        ),
    ],
)
def test_relative_words_use_the_source_zone(
    name: str, anchor: datetime, tz: str, day: date
) -> None:
    [mention] = find_dates("Бугун Тошкентда саммит.", anchor, tz)
    assert mention.start == day


@pytest.mark.parametrize(
    ("name", "text", "anchor", "expected"),
    [
        (
            "January read in late December is next year",
            "Форум пройдет 20 января.",
            datetime(2025, 12, 28, tzinfo=ALMATY),
            D(2026, 1, 20),
        ),
        (
            "December read in early January is last year",
            "Саммит состоялся 20 декабря.",
            datetime(2026, 1, 5, tzinfo=ALMATY),
            D(2025, 12, 20),
        ),
        (
            "a past-tense month stays in the past",
            "В октябре прошел саммит.",
            datetime(2025, 3, 10, tzinfo=ALMATY),
            D(2024, 10, 1),
        ),
        (
            "a future-tense month stays in the future",
            "В феврале пройдет саммит.",
            datetime(2025, 9, 10, tzinfo=ALMATY),
            D(2026, 2, 1),
        ),
    ],
)
def test_missing_year_from_anchor(name: str, text: str, anchor: datetime, expected: date) -> None:
    [mention] = find_dates(text, anchor, "Asia/Almaty")
    assert mention.start == expected


def test_explicit_date_in_apposition_wins_over_the_relative_word() -> None:
    # published on the 15th: "эртага" alone would be the 16th
    found = find_dates(
        "Ташриф дастурига мувофиқ, эртага, 15 ноябрь куни, музокаралар бўлиб ўтади.",
        ANCHOR,
        "Asia/Tashkent",
    )
    assert [(m.start, m.span.text, m.relative) for m in found] == [
        (D(2025, 11, 15), "15 ноябрь куни", False)
    ]


def test_idioms_are_not_days() -> None:
    text = "Муносабатларимиз бугунги кунда энг юқори даражага кўтарилди. Бүгінгі таңда ынтымақтастық дамуда."
    assert find_dates(text, ANCHOR, "Asia/Tashkent") == []


def test_language_narrows_relative_words() -> None:
    text = "Today. Бугун. Сегодня."
    assert [m.span.text for m in find_dates(text, ANCHOR, language="uz")] == ["Бугун"]
    assert [m.span.text for m in find_dates(text, ANCHOR, language="uz-Cyrl")] == ["Бугун"]
    assert len(find_dates(text, ANCHOR)) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Turkish keyboards: a dotless ı or a dotted İ where Uzbek Latin has i
        ("bugungı kuni", D(2025, 11, 15)),
        ("ertangı", D(2025, 11, 16)),
        ("İndinga", D(2025, 11, 17)),
        ("15 İyun", D(2025, 6, 15)),
    ],
)
def test_dotless_and_dotted_i_read_as_i(text: str, expected: date) -> None:
    found = find_dates(text, ANCHOR, language="uz")
    assert [m.start for m in found] == [expected]


def test_date_spans_include_unresolvable_dates() -> None:
    text = "Встреча 15 ноября, завтра."
    assert date_spans(text) == [(8, 17), (19, 25)]


PUBLISHED_CASES = [
    (
        "ru today with clock",
        "Сегодня, 11:45",
        "Asia/Almaty",
        datetime(2025, 11, 15, 11, 45, tzinfo=ALMATY),
    ),
    (
        "uz today with clock",
        "Бугун 13:35",
        "Asia/Tashkent",
        datetime(2025, 11, 15, 13, 35, tzinfo=TASHKENT),
    ),
    ("ru yesterday", "Вчера в 23:10", "Asia/Almaty", datetime(2025, 11, 14, 23, 10, tzinfo=ALMATY)),
    (
        "numeric with clock",
        "14.11.2025 19:48",
        "Asia/Tashkent",
        datetime(2025, 11, 14, 19, 48, tzinfo=TASHKENT),
    ),
    (
        "clock first, nominative month",
        "11:20, 20 Январь 2026",
        "Asia/Tashkent",
        datetime(2026, 1, 20, 11, 20, tzinfo=TASHKENT),
    ),
    (
        "ru genitive month with г.",
        "20 января 2026 г.",
        "Asia/Almaty",
        datetime(2026, 1, 20, 0, 0, tzinfo=ALMATY),
    ),
    (
        "ISO with offset",
        "2025-11-15T10:00:00+05:00",
        "Asia/Almaty",
        datetime(2025, 11, 15, 5, 0, tzinfo=UTC),
    ),
    (
        "ISO naive is local",
        "2025-11-15 10:00",
        "Asia/Tashkent",
        datetime(2025, 11, 15, 10, 0, tzinfo=TASHKENT),
    ),
    (
        "RFC 822",
        "Sat, 15 Nov 2025 10:00:00 +0500",
        "UTC",
        datetime(2025, 11, 15, 5, 0, tzinfo=UTC),
    ),
    (
        "RFC 822 GMT",
        "Fri, 14 Nov 2025 21:00:00 GMT",
        "Asia/Almaty",
        datetime(2025, 11, 14, 21, 0, tzinfo=UTC),
    ),
    (
        "uz-Latn",
        "15-noyabr 2025, 09:30",
        "Asia/Tashkent",
        datetime(2025, 11, 15, 9, 30, tzinfo=TASHKENT),
    ),
    (
        "en",
        "November 15, 2025 9:30 PM",
        "Asia/Almaty",
        datetime(2025, 11, 15, 21, 30, tzinfo=ALMATY),
    ),
]


@pytest.mark.parametrize(
    ("name", "value", "tz", "expected"), PUBLISHED_CASES, ids=[c[0] for c in PUBLISHED_CASES]
)
def test_parse_published(name: str, value: str, tz: str, expected: datetime) -> None:
    parsed = parse_published(value, tz, now=ANCHOR)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


@pytest.mark.parametrize(
    ("name", "value", "now"),
    [
        ("empty", "", ANCHOR),
        ("words", "Политика", ANCHOR),
        ("stray digits", "Просмотров: 1520", ANCHOR),
        ("relative without now", "Сегодня, 11:45", None),
        ("two dates", "14.11.2025 – 15.11.2025", ANCHOR),
    ],
)
def test_parse_published_unknown(name: str, value: str, now: datetime | None) -> None:
    assert parse_published(value, "Asia/Almaty", now=now) is None


SEED_CASES = [
    ("000", datetime(2025, 11, 15, tzinfo=ALMATY), "Asia/Almaty", (D(2025, 11, 15), "Бүгін")),
    (
        "001",
        datetime(2025, 11, 15, 11, 45, tzinfo=ALMATY),
        "Asia/Almaty",
        (D(2025, 11, 15), "Сегодня"),
    ),
    (
        "002",
        datetime(2025, 11, 15, tzinfo=TASHKENT),
        "Asia/Tashkent",
        (D(2025, 11, 15), "15 ноябрь куни"),
    ),
    (
        "003",
        datetime(2025, 11, 17, tzinfo=ALMATY),
        "Asia/Almaty",
        (D(2025, 11, 14), "14–15 ноября"),
    ),
    ("004", datetime(2024, 8, 9, tzinfo=ALMATY), "Asia/Almaty", (D(2024, 8, 9), "Бүгін")),
]


@pytest.mark.parametrize(
    ("prefix", "anchor", "tz", "expected"), SEED_CASES, ids=[c[0] for c in SEED_CASES]
)
def test_seed_articles_state_their_event_dates(
    prefix: str, anchor: datetime, tz: str, expected: tuple[date, str]
) -> None:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    found = find_dates(path.read_text(encoding="utf-8"), anchor, tz)
    assert expected in [(m.start, m.span.text) for m in found]


def test_seed_003_range_and_sidebar_dates() -> None:
    [path] = SEEDS.glob("003_*.txt")
    found = find_dates(
        path.read_text(encoding="utf-8"), datetime(2025, 11, 17, tzinfo=ALMATY), "Asia/Almaty"
    )
    explicit = [(m.start, m.end) for m in found if not m.relative]
    assert explicit == [(D(2025, 11, 14), D(2025, 11, 15)), (D(2025, 3, 1), D(2025, 3, 31))]


def test_seed_002_sidebar_dates() -> None:
    [path] = SEEDS.glob("002_*.txt")
    found = find_dates(
        path.read_text(encoding="utf-8"),
        datetime(2025, 11, 15, 9, tzinfo=TASHKENT),
        "Asia/Tashkent",
    )
    explicit = [(m.start, m.span.text) for m in found if not m.relative]
    assert (D(2025, 11, 16), "Жорий йилнинг 16 ноябрь куни") in explicit
    assert (D(2025, 11, 13), "13.11.2025") in explicit
