"""Event mentions from short texts in each language: every event type, and the traps.

The texts are written for these tests; they describe how each language reports an event
(tense, case endings, word order), not any particular article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workers.extract import EXTRACTOR_VERSION, extract, extract_json
from workers.records import CleanDoc, EventMention

PUBLISHED = datetime(2025, 6, 10, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@dataclass
class Case:
    name: str
    url: str
    text: str
    expected: dict[str, Any] | None  # fields of the reported mention; None: no reported event
    title: str | None = None
    mentioned: list[dict[str, Any]] = field(default_factory=list)


def _doc(case: Case) -> CleanDoc:
    return CleanDoc(
        url=case.url,
        text=case.text,
        title=case.title,
        published_at=PUBLISHED,
        timezone="Asia/Almaty",
    )


EVENTS = [
    # --- state, official and working visits -----------------------------------------------
    Case(
        "ru official visit, arrival",
        "https://www.akorda.kz/ru/1",
        "Касым-Жомарт Токаев прибыл в Баку с официальным визитом. В аэропорту Главу государства "
        "встретил Премьер-министр Азербайджана Али Асадов. Завтра состоятся переговоры с Президентом "
        "Азербайджана Ильхамом Алиевым.",
        {
            "type": "official_visit",
            "status": "ongoing",
            "city": "baku",
            "country": "AZ",
            "date_start": date(2025, 6, 10),
            "date_end": date(2025, 6, 11),
            # The prime minister who meets him at the airport takes part in the visit too.
            "participants": ["kz-tokayev", "az-asadov", "az-aliyev"],
        },
    ),
    Case(
        "kk state visit announced with a date range",
        "https://kazinform.kz/kz/2",
        "Түрікменстан Президенті Сердар Бердімұхамедов Астанаға мемлекеттік сапармен келеді. "
        "Сапар 12-13 тамызда өтеді.",
        {
            "type": "state_visit",
            "status": "announced",
            "city": "astana",
            "country": "KZ",
            "date_start": date(2025, 8, 12),
            "date_end": date(2025, 8, 13),
            "participants": ["tm-serdar-berdimuhamedov"],
        },
    ),
    Case(
        "uz-Latn state visit, departure",
        "https://kun.uz/oz/3",
        "Prezident Shavkat Mirziyoyev Qozog‘iston Respublikasiga davlat tashrifi bilan jo‘nab ketdi. "
        "Tashrif doirasida Qozog‘iston Prezidenti Qasim-Jomart To‘qayev bilan muzokaralar o‘tkaziladi.",
        {
            "type": "state_visit",
            "status": "ongoing",
            "country": "KZ",
            "participants": ["uz-mirziyoyev", "kz-tokayev"],
        },
    ),
    Case(
        "en official visit at an invitation",
        "https://www.inform.kz/en/4",
        "Kassym-Jomart Tokayev will pay an official visit to China on September 2-3 at the "
        "invitation of Chinese President Xi Jinping.",
        {
            "type": "official_visit",
            "status": "announced",
            "country": "CN",
            "date_start": date(2025, 9, 2),
            "date_end": date(2025, 9, 3),
            "participants": ["kz-tokayev", "cn-xi-jinping"],
        },
    ),
    Case(
        "ru working visit, held",
        "https://24.kg/ru/5",
        "Президент Кыргызстана Садыр Жапаров 9 июня посетил Москву с рабочим визитом. В Кремле "
        "состоялись переговоры с Владимиром Путиным.",
        {
            "type": "working_visit",
            "status": "held",
            "city": "moscow",
            "country": "RU",
            "date_start": date(2025, 6, 9),
            "participants": ["kg-japarov", "ru-putin"],
        },
    ),
    Case(
        "uz-Cyrl working visit",
        "https://uza.uz/uz/6",
        "Шавкат Мирзиёев амалий ташриф билан Душанбега етиб келди. Тожикистон Президенти Эмомали "
        "Раҳмон билан музокаралар бўлиб ўтади.",
        {
            "type": "working_visit",
            "status": "ongoing",
            "city": "dushanbe",
            "country": "TJ",
            "participants": ["uz-mirziyoyev", "tj-rahmon"],
        },
    ),
    # --- talks -----------------------------------------------------------------------------
    Case(
        "en talks with a weekday",
        "https://www.inform.kz/en/7",
        "President Kassym-Jomart Tokayev held talks with President of Uzbekistan Shavkat Mirziyoyev "
        "in Samarkand on Friday. The leaders discussed trade and water.",
        {
            "type": "talks",
            "status": "held",
            "city": "samarkand",
            "country": "UZ",
            "date_start": date(2025, 6, 6),
            "participants": ["kz-tokayev", "uz-mirziyoyev"],
            "topics": ["trade", "water"],
        },
    ),
    Case(
        "kk talks with the Chinese leader by title",
        "https://www.akorda.kz/kz/8",
        "Мемлекет басшысы Қытай Халық Республикасының Төрағасы Си Цзиньпинмен келіссөз жүргізді. "
        "Келіссөз Астанада өтті.",
        {
            "type": "talks",
            "status": "held",
            "city": "astana",
            "country": "KZ",
            "participants": ["kz-tokayev", "cn-xi-jinping"],
        },
    ),
    Case(
        "ru heads of government meet",
        "https://24.kg/ru/9",
        "Председатель Кабинета министров Адылбек Касымалиев встретился с Премьер-министром "
        "Казахстана Олжасом Бектеновым в Астане.",
        {
            "type": "talks",
            "status": "held",
            "city": "astana",
            "participants": ["kg-kasymaliev", "kz-bektenov"],
        },
    ),
    Case(
        "en talks on the sidelines of a summit are talks",
        "https://www.akorda.kz/en/10",
        "The Head of State held a meeting with Ursula von der Leyen, President of the European "
        "Commission, in Samarkand on the sidelines of the EU–Central Asia Summit.",
        {
            "type": "talks",
            "format": None,
            "city": "samarkand",
            "participants": ["kz-tokayev", "eu-von-der-leyen"],
        },
    ),
    # --- phone calls -------------------------------------------------------------------------
    Case(
        "ru phone call",
        "https://www.akorda.kz/ru/11",
        "Глава государства провел телефонный разговор с Президентом России Владимиром Путиным. "
        "Стороны обсудили вопросы двустороннего сотрудничества.",
        {
            "type": "phone_call",
            "status": "held",
            "city": None,
            "participants": ["kz-tokayev", "ru-putin"],
        },
    ),
    Case(
        "kk phone call",
        "https://www.akorda.kz/kz/12",
        "Мемлекет басшысы Ресей Президенті Владимир Путинмен телефон арқылы сөйлесті.",
        {"type": "phone_call", "participants": ["kz-tokayev", "ru-putin"]},
    ),
    Case(
        "uz-Cyrl phone call",
        "https://president.uz/uz/13",
        "Шавкат Мирзиёев Туркманистон Президенти Сердар Бердимуҳамедов билан телефон орқали мулоқот қилди.",
        {"type": "phone_call", "participants": ["uz-mirziyoyev", "tm-serdar-berdimuhamedov"]},
    ),
    Case(
        "uz-Latn phone call",
        "https://president.uz/oz/14",
        "Prezident Shavkat Mirziyoyev Turkmaniston Prezidenti Serdar Berdimuhamedov bilan telefon "
        "orqali muloqot qildi.",
        {"type": "phone_call", "participants": ["uz-mirziyoyev", "tm-serdar-berdimuhamedov"]},
    ),
    # --- council sessions ----------------------------------------------------------------------
    Case(
        "ru council session of another pair",
        "https://24.kg/ru/15",
        "В Бишкеке прошло заседание Высшего межгосударственного совета Кыргызстана и Узбекистана. "
        "Садыр Жапаров и Шавкат Мирзиёев подписали ряд документов.",
        {
            "type": "council_session",
            "format": "sic-kg-uz",
            "city": "bishkek",
            "country": "KG",
            "participants": ["kg-japarov", "uz-mirziyoyev"],
        },
    ),
    Case(
        "uz-Cyrl council session announced for tomorrow",
        "https://uza.uz/uz/16",
        "Эртага Тошкентда Ўзбекистон – Қозоғистон Олий давлатлараро кенгашининг иккинчи йиғилиши "
        "бўлиб ўтади.",
        {
            "type": "council_session",
            "format": "sic-kz-uz",
            "ordinal": 2,
            "status": "announced",
            "city": "tashkent",
            "date_start": date(2025, 6, 11),
        },
    ),
    # --- summits -------------------------------------------------------------------------------
    Case(
        "ru SCO summit announced, city abroad",
        "https://president.uz/ru/17",
        "Президент Узбекистана Шавкат Мирзиёев примет участие в саммите Шанхайской организации "
        "сотрудничества, который пройдет 31 августа – 1 сентября в Тяньцзине.",
        {
            "type": "summit",
            "format": "sco",
            "status": "announced",
            "city": "tianjin",
            "country": "CN",
            "date_start": date(2025, 8, 31),
            "date_end": date(2025, 9, 1),
            "participants": ["uz-mirziyoyev"],
        },
    ),
    Case(
        "ru CIS summit with its participants",
        "https://tengrinews.kz/18",
        "В Астане прошел саммит СНГ. В нем приняли участие Касым-Жомарт Токаев, Владимир Путин, "
        "Александр Лукашенко, Ильхам Алиев и Шавкат Мирзиёев.",
        {
            "type": "summit",
            "format": "cis",
            "status": "held",
            "city": "astana",
            "participants": [
                "kz-tokayev",
                "ru-putin",
                "by-lukashenko",
                "az-aliyev",
                "uz-mirziyoyev",
            ],
        },
    ),
    Case(
        "uz-Latn EU–Central Asia summit",
        "https://uza.uz/oz/19",
        "Samarqandda Markaziy Osiyo – Yevropa Ittifoqi sammiti bo‘lib o‘tdi. Unda Prezident Shavkat "
        "Mirziyoyev ishtirok etdi.",
        {
            "type": "summit",
            "format": "ca-eu",
            "status": "held",
            "city": "samarkand",
            "country": "UZ",
            "participants": ["uz-mirziyoyev"],
        },
    ),
    Case(
        "kk OTS informal summit abroad",
        "https://www.akorda.kz/kz/20",
        "Қасым-Жомарт Тоқаев Түркі мемлекеттері ұйымының бейресми саммитіне қатысу үшін Будапештке барды.",
        {
            "type": "summit",
            "format": "ots",
            "city": "budapest",
            "country": "HU",
            "participants": ["kz-tokayev"],
        },
    ),
    Case(
        "ru Supreme Eurasian Economic Council",
        "https://www.akorda.kz/ru/21",
        "Президент Казахстана примет участие в заседании Высшего Евразийского экономического совета, "
        "которое состоится 26 декабря в Санкт-Петербурге.",
        {
            "type": "summit",
            "format": "eaeu",
            "status": "announced",
            "city": "saint-petersburg",
            "date_start": date(2025, 12, 26),
            "participants": ["kz-tokayev"],
        },
    ),
    Case(
        "en Consultative Meeting announced with a Roman ordinal",
        "https://en.kabar.kg/22",
        "The VII Consultative Meeting of the Heads of State of Central Asia will take place in "
        "Tashkent on November 16.",
        {
            "type": "summit",
            "format": "ca-consultative-meeting",
            "ordinal": 7,
            "status": "announced",
            "city": "tashkent",
            "country": "UZ",
        },
    ),
    Case(
        "ru CSTO summit, a past one in the background",
        "https://www.akorda.kz/ru/23",
        "Касым-Жомарт Токаев примет участие в саммите ОДКБ, который пройдет 27 ноября в Бишкеке. "
        "Напомним, предыдущий саммит организации состоялся в Астане в 2023 году.",
        {
            "type": "summit",
            "format": "csto",
            "status": "announced",
            "city": "bishkek",
            "date_start": date(2025, 11, 27),
        },
    ),
    Case(
        "kk headline kept apart from the text",
        "https://24.kz/kz/24",
        "Бүгін Астанада Қасым-Жомарт Тоқаевтың төрағалығымен Орталық Азия елдері көшбасшыларының "
        "7-ші саммиті өтті.",
        {
            "type": "summit",
            "format": "ca-consultative-meeting",
            "ordinal": 7,
            "city": "astana",
            "date_start": date(2025, 6, 10),
            "status": "held",
            "participants": ["kz-tokayev"],
        },
        title="Астанада Орталық Азия мемлекеттері басшыларының VII Консультативтік кездесуі өтті",
    ),
    Case(
        "kk a leader receives a visiting prime minister: talks",
        "https://www.akorda.kz/kz/25",
        "Мемлекет басшысы Астанаға сапармен келген Қырғызстан Премьер-министрі Адылбек "
        "Қасымалиевті қабылдады. Кездесуде сауда және көлік мәселелері талқыланды.",
        {
            "type": "talks",
            "city": "astana",
            "country": "KZ",
            "participants": ["kz-tokayev", "kg-kasymaliev"],
        },
    ),
    Case(
        "ru talks on the eve of a summit are talks",
        "https://24.kg/ru/26",
        "Вчера в Бишкеке Садыр Жапаров провел переговоры с Александром Лукашенко накануне "
        "саммита ОДКБ.",
        {
            "type": "talks",
            "format": None,
            "city": "bishkek",
            "date_start": date(2025, 6, 9),
            "participants": ["kg-japarov", "by-lukashenko"],
        },
    ),
]


NEGATIVES = [
    Case(
        "ru domestic working trip",
        "https://www.akorda.kz/ru/n1",
        "Касым-Жомарт Токаев совершил рабочую поездку в Туркестанскую область, где посетил ряд "
        "промышленных объектов. Президент провел совещание с акимом области.",
        None,
    ),
    Case(
        "kk domestic trip with the visit verb",
        "https://www.akorda.kz/kz/n2",
        "Мемлекет басшысы Түркістан облысына жұмыс сапарымен барды. Президент облыс әкімімен кездесті.",
        None,
    ),
    Case(
        "uz domestic visit",
        "https://kun.uz/uz/n3",
        "Шавкат Мирзиёев Хоразм вилоятига ташриф буюрди. Давлатимиз раҳбари Хива шаҳридаги бир "
        "қатор объектларни бориб кўрди.",
        None,
    ),
    Case(
        "ru ministers' talks",
        "https://24.kg/ru/n4",
        "Министры иностранных дел Кыргызстана и Узбекистана провели переговоры в Бишкеке. Стороны "
        "обсудили подготовку к предстоящему визиту.",
        None,
    ),
    Case(
        "ru SCO foreign ministers",
        "https://kun.uz/ru/n5",
        "В Астане прошло заседание Совета министров иностранных дел государств – членов ШОС.",
        None,
    ),
    Case(
        "ru a startup summit",
        "https://tengrinews.kz/n6",
        "В Алматы прошел саммит стартапов Digital Bridge, в котором приняли участие более 500 компаний.",
        None,
    ),
    Case(
        "uz an investment forum called a summit",
        "https://kun.uz/uz/n7",
        "Бугун Самарқандда “Тошкент инвестиция форуми” саммити бўлиб ўтди, унда 3 мингдан ортиқ "
        "инвестор иштирок этди.",
        None,
    ),
    Case(
        "uz economic news with figures",
        "https://kun.uz/uz/n8",
        "Ўзбекистон ва Қозоғистон ўртасидаги товар айирбошлаш 2025 йилнинг 9 ойида 4 миллиард "
        "долларга етди.",
        None,
    ),
    Case(
        "ru official meets business",
        "https://tengrinews.kz/n9",
        "Глава Минэкономики провел встречу с бизнесменами в Алматы. Обсуждались вопросы экспорта "
        "на 1,5 млрд долларов.",
        None,
    ),
    Case(
        "uz a leader receives a delegation",
        "https://kun.uz/uz/n10",
        "Президент Шавкат Мирзиёев Юта штати делегациясини қабул қилди.",
        None,
    ),
    Case(
        "kk domestic meeting",
        "https://www.akorda.kz/kz/n11",
        "Қасым-Жомарт Тоқаев Қызылордада облыс әкімімен кездесті. Президент өңірдің "
        "әлеуметтік-экономикалық дамуы туралы баяндама тыңдады.",
        None,
    ),
    Case(
        "ru Saida Mirziyoyeva is not a head of state",
        "https://www.gazeta.uz/ru/n12",
        "Саида Мирзиёева встретилась с делегацией ЮНИСЕФ. Мирзиёева отметила важность сотрудничества.",
        None,
    ),
    Case(
        "ru ambiguous Berdimuhamedov",
        "https://www.turkmenportal.com/n13",
        "Бердымухамедов принял участие в открытии нового завода в Ашхабаде.",
        None,
    ),
    Case(
        "ru an invitation is not a visit",
        "https://www.akorda.kz/ru/n14",
        "Касым-Жомарт Токаев пригласил Президента Монголии посетить Казахстан с государственным визитом.",
        None,
    ),
]


def _case(name: str) -> Case:
    return next(c for c in EVENTS if c.name == name)


def _reported(mentions: list[EventMention]) -> list[EventMention]:
    return [m for m in mentions if m.role == "reported"]


@pytest.mark.parametrize("case", EVENTS, ids=[c.name for c in EVENTS])
def test_reported_event(case: Case) -> None:
    mentions = extract(_doc(case))
    reported = _reported(mentions)
    assert len(reported) == 1, [m.to_json() for m in mentions]
    mention = reported[0]
    actual = {key: getattr(mention, key) for key in case.expected}
    assert actual == case.expected
    assert mention.extractor_version == EXTRACTOR_VERSION


@pytest.mark.parametrize("case", NEGATIVES, ids=[c.name for c in NEGATIVES])
def test_no_event(case: Case) -> None:
    assert _reported(extract(_doc(case))) == []


def test_background_sentence_is_not_a_second_event() -> None:
    case = Case(
        "background",
        "https://en.uzdaily.uz/b1",
        "The 7th Consultative Meeting of the Heads of State of Central Asia will take place in Tashkent "
        "on November 16. The first such meeting took place in March 2018 in Astana.",
        None,
    )
    mentions = extract(_doc(case))
    assert [(m.role, m.ordinal, m.city) for m in mentions] == [("reported", 7, "tashkent")]


def test_a_future_summit_in_a_visit_report_is_mentioned_not_reported() -> None:
    text = (
        "Касым-Жомарт Токаев 9 июня посетил Ташкент с государственным визитом и провел переговоры с "
        "Шавкатом Мирзиёевым. Президент выразил уверенность, что седьмая Консультативная встреча глав "
        "государств Центральной Азии в Ташкенте станет важным этапом сотрудничества."
    )
    mentions = extract(
        CleanDoc(
            url="https://kazpravda.kz/f1", text=text, published_at=PUBLISHED, timezone="Asia/Almaty"
        )
    )
    assert [(m.role, m.type, m.format, m.ordinal, m.status) for m in mentions] == [
        ("reported", "state_visit", None, None, "held"),
        ("mentioned", "summit", "ca-consultative-meeting", 7, "announced"),
    ]
    # The speaker of the reported speech is not put into the other event.
    assert mentions[1].participants == []


def test_sidebar_items_do_not_become_the_articles_event() -> None:
    text = (
        "Шавкат Мирзиёев Қасим-Жомарт Тоқаев билан телефон орқали мулоқот қилди.\n"
        "Томонлар икки томонлама ҳамкорлик масалаларини муҳокама қилдилар.\n"
        "Бошқа янгиликлар\n"
        "Сиёсат 09.06.2025 10:49\n"
        "Тошкентда Марказий Осиё давлатлари раҳбарларининг еттинчи Маслаҳат учрашуви бўлиб ўтади\n"
        "Сиёсат 08.06.2025 09:51\n"
        "Мирзиёев Бишкекка давлат ташрифи билан борди\n"
    )
    mentions = extract(
        CleanDoc(
            url="https://uzdaily.uz/uz/s1",
            text=text,
            published_at=PUBLISHED,
            timezone="Asia/Tashkent",
        )
    )
    reported = _reported(mentions)
    assert [(m.type, m.participants) for m in reported] == [
        ("phone_call", ["uz-mirziyoyev", "kz-tokayev"])
    ]
    others = [m for m in mentions if m.role == "mentioned"]
    assert [(m.format, m.ordinal, m.status) for m in others] == [
        ("ca-consultative-meeting", 7, "announced")
    ]


def test_talks_on_the_sidelines_of_a_summit_are_a_second_event() -> None:
    text = (
        "The SCO summit was held in Tianjin on Monday with Xi Jinping, Vladimir Putin and "
        "Kassym-Jomart Tokayev taking part. On the sidelines of the summit, Shavkat Mirziyoyev "
        "held talks with Narendra Modi."
    )
    doc = CleanDoc(
        url="https://en.kun.uz/t1", text=text, published_at=PUBLISHED, timezone="Asia/Tashkent"
    )
    reported = _reported(extract(doc))
    assert [(m.type, m.format, m.city, m.date_start) for m in reported] == [
        ("summit", "sco", "tianjin", date(2025, 6, 9)),
        ("talks", None, "tianjin", date(2025, 6, 9)),
    ]
    assert reported[0].participants == ["cn-xi-jinping", "ru-putin", "kz-tokayev"]
    assert reported[1].participants == ["uz-mirziyoyev", "in-modi"]


def test_kazakh_title_takes_the_country_before_it() -> None:
    # "Қырғызстан Премьер-министрін": the Kyrgyz prime minister, not the Kyrgyz president.
    case = _case("kk a leader receives a visiting prime minister: talks")
    mention = _reported(extract(_doc(case)))[0]
    assert "kg-japarov" not in mention.participants


def test_spans_point_into_the_text() -> None:
    case = _case("ru official visit, arrival")
    mention = _reported(extract(_doc(case)))[0]
    assert mention.spans
    for field_spans in mention.spans.values():
        for span in field_spans:
            assert case.text[span.start : span.end] == span.text
    assert mention.spans["city"][0].text == "Баку"
    assert [s.text for s in mention.spans["participants"]] == [
        "Касым-Жомарт Токаев",
        "Али Асадов",
        "Ильхамом Алиевым",
    ]


def test_headline_spans_are_left_out_when_the_headline_is_not_in_the_text() -> None:
    case = _case("kk headline kept apart from the text")
    assert case.title is not None
    mention = _reported(extract(_doc(case)))[0]
    for field_spans in mention.spans.values():
        for span in field_spans:
            assert 0 <= span.start < span.end <= len(case.text)
            assert case.text[span.start : span.end] == span.text


def test_extraction_is_deterministic() -> None:
    case = _case("uz-Latn state visit, departure")
    first = [m.to_json() for m in extract(_doc(case))]
    assert first == [m.to_json() for m in extract(_doc(case))]


def test_documents_without_publication_time_still_extract() -> None:
    doc = CleanDoc(
        url="https://24.kg/ru/p1", text=_case("ru working visit, held").text, published_at=None
    )
    mention = _reported(extract(doc))[0]
    assert mention.type == "working_visit"
    assert (
        mention.date_start is None
    )  # "9 июня" has no year and there is no publication to anchor it


def test_json_output_carries_english_names() -> None:
    data = extract_json(_doc(_case("ru council session of another pair")))
    assert data["language"] == "ru" and data["script"] == "Cyrl"
    reported = data["mentions"][0]
    assert reported["names"] == {
        "format": "Supreme Interstate Council Kyrgyzstan\u2013Uzbekistan",
        "city": "Bishkek",
        "country": "Kyrgyzstan",
        "participants": ["Sadyr Japarov", "Shavkat Mirziyoyev"],
    }
    assert reported["extractor_version"] == EXTRACTOR_VERSION
