"""What belongs to the article's own event and what does not, in each language.

Leaders arriving on the eve of a summit, a bilateral visit that coincides with a summit, a
sentence that opens on "earlier", a format named only as a subject of talk, a meeting of
deputy prime ministers, a related-news header. The texts are written for these tests.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from workers.extract import extract
from workers.records import CleanDoc, EventMention

# A Tuesday.
PUBLISHED = datetime(2025, 6, 10, 18, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def _reported(url: str, text: str, title: str | None = None) -> list[EventMention]:
    doc = CleanDoc(url=url, text=text, title=title, published_at=PUBLISHED, timezone="Asia/Almaty")
    return [m for m in extract(doc) if m.role == "reported"]


def _fields(mention: EventMention) -> tuple:
    return (mention.type, mention.format, mention.date_start, mention.date_end, mention.status)


EVE_OF_A_SUMMIT = [
    (
        "en leaders arrive the day before",
        "https://timesca.com/e1",
        "Kyrgyz President Sadyr Japarov arrived in Dushanbe on Tuesday. The CIS summit will be held "
        "in Dushanbe on 11 June, with the heads of state expected to adopt a statement on security.",
    ),
    (
        "ru arrival with the summit tomorrow",
        "https://24.kg/ru/e2",
        "Президент Кыргызстана Садыр Жапаров прибыл в Душанбе. Завтра, 11 июня, он примет участие "
        "в заседании Совета глав государств СНГ.",
    ),
    (
        "uz-Cyrl departure for a summit",
        "https://president.uz/uz/e3",
        "Президент Шавкат Мирзиёев Тожикистонга жўнаб кетди. Давлатимиз раҳбари 11 июнь куни "
        "Душанбе шаҳрида бўлиб ўтадиган МДҲ саммитида иштирок этади.",
    ),
    (
        "uz-Latn departure for a summit",
        "https://kun.uz/oz/e4",
        "Prezident Shavkat Mirziyoyev Tojikistonga yo‘l oldi. Davlatimiz rahbari 11-iyun kuni "
        "Dushanbe shahrida bo‘lib o‘tadigan MDH sammitida ishtirok etadi.",
    ),
]


@pytest.mark.parametrize("name,url,text", EVE_OF_A_SUMMIT, ids=[c[0] for c in EVE_OF_A_SUMMIT])
def test_arriving_on_the_eve_does_not_open_the_summit(name: str, url: str, text: str) -> None:
    [summit] = _reported(url, text)
    assert _fields(summit) == ("summit", "cis", date(2025, 6, 11), date(2025, 6, 11), "announced")


def test_a_visit_arriving_the_day_before_its_talks_still_begins_on_arrival() -> None:
    [visit] = _reported(
        "https://akorda.kz/ru/e5",
        "Касым-Жомарт Токаев прибыл в Ташкент с государственным визитом. Завтра, 11 июня, "
        "состоятся переговоры с Президентом Узбекистана Шавкатом Мирзиёевым.",
    )
    assert (visit.type, visit.date_start, visit.date_end, visit.status) == (
        "state_visit",
        date(2025, 6, 10),
        date(2025, 6, 11),
        "ongoing",
    )


COINCIDING_VISITS = [
    (
        "en a state visit around the summit",
        "https://astanatimes.com/c1",
        "Leaders of the Collective Security Treaty Organisation met in Astana on Tuesday for a "
        "summit chaired by President Kassym-Jomart Tokayev. The summit coincided with Russian "
        "President Vladimir Putin's state visit to Kazakhstan on June 9–10.",
    ),
    (
        "kk a state visit around the summit",
        "https://akorda.kz/kz/c2",
        "Астанада ҰҚШҰ саммиті өтті. Отырысқа Ресей Президенті Владимир Путин қатысты. Ресей "
        "Президенті 9–10 маусымда Қазақстанға мемлекеттік сапармен келген.",
    ),
]


@pytest.mark.parametrize("name,url,text", COINCIDING_VISITS, ids=[c[0] for c in COINCIDING_VISITS])
def test_a_state_visit_that_coincides_with_a_summit_does_not_date_it(
    name: str, url: str, text: str
) -> None:
    [summit] = _reported(url, text)
    assert _fields(summit) == ("summit", "csto", date(2025, 6, 10), date(2025, 6, 10), "held")


EARLIER = [
    (
        "kk opening 'бұған дейін'",
        "https://akorda.kz/kz/b1",
        "Мемлекет басшысы Астанада өткен ШЫҰ саммитінде сөз сөйледі. Бұған дейін, 9 маусымда Си "
        "Цзиньпин Қазақстанға мемлекеттік сапармен келіп, Ақордада келіссөз жүргізген болатын.",
    ),
    (
        "en opening 'earlier'",
        "https://astanatimes.com/b2",
        "President Tokayev addressed the SCO summit held in Astana. Earlier, on 9 June, Chinese "
        "President Xi Jinping arrived in Astana on a state visit.",
    ),
]


@pytest.mark.parametrize("name,url,text", EARLIER, ids=[c[0] for c in EARLIER])
def test_a_sentence_opening_on_earlier_and_dated_before_publication_is_background(
    name: str, url: str, text: str
) -> None:
    [summit] = _reported(url, text)
    assert (summit.type, summit.format, summit.date_start, summit.date_end) == (
        "summit",
        "sco",
        date(2025, 6, 10),
        date(2025, 6, 10),
    )
    assert "cn-xi-jinping" not in summit.participants


def test_an_earlier_cue_before_a_future_date_keeps_the_sentence() -> None:
    [summit] = _reported(
        "https://kun.uz/ru/b3",
        "Президент Узбекистана примет участие в саммите ШОС в Астане. Ранее сообщалось, что "
        "саммит пройдет 4 июля.",
    )
    assert (summit.format, summit.date_start, summit.status) == ("sco", date(2025, 7, 4), "announced")


NOT_AN_EVENT = [
    (
        "kk ministers discuss formats",
        "https://kazinform.kz/kz/n1",
        "Қазақстан мен Өзбекстан сыртқы істер министрлері Астанада келіссөз жүргізді. Кездесуде "
        "сондай-ақ Алматы – Ташкент – Бұхара автожолы және «Орталық Азия – Жапония» форматындағы "
        "ынтымақтастық мәселелері талқыланды.",
    ),
    (
        "uz-Latn the council recalled",
        "https://gazeta.uz/oz/n2",
        "Tashqi ishlar vazirlari Toshkentda muzokara oʻtkazdi. Eslatib oʻtamiz, Oʻzbekiston va "
        "Qozogʻiston oʻrtasidagi Oliy davlatlararo kengash 2024-yilda tashkil etilgan.",
    ),
    (
        "en an obituary names a first meeting",
        "https://astanatimes.com/n3",
        "A veteran diplomat who helped prepare the first meeting of the Conference on Interaction "
        "and Confidence Building Measures in Asia (CICA) has died at the age of 80. A farewell "
        "ceremony will be held in Almaty.",
    ),
    (
        "ru a deputy prime ministers' council at a forum",
        "https://tengrinews.kz/n4",
        "В Алматы завершился форум цифровых технологий, который организаторы называют IT-саммитом. "
        "В рамках форума прошло заседание Совета по цифровой трансформации ЕАЭС на уровне "
        "вице-премьеров.",
    ),
]


@pytest.mark.parametrize("name,url,text", NOT_AN_EVENT, ids=[c[0] for c in NOT_AN_EVENT])
def test_formats_named_without_an_occasion_are_no_event(name: str, url: str, text: str) -> None:
    assert _reported(url, text) == []


def test_a_related_header_starts_the_sidebar() -> None:
    [summit] = _reported(
        "https://astanatimes.com/s1",
        "Leaders of the SCO met in Astana on Tuesday. Kassym-Jomart Tokayev chaired the summit.\n"
        "Related:\n"
        "Xi Jinping's state visit: Kazakhstan and China sign 30 agreements",
    )
    assert summit.participants == ["kz-tokayev"]


VISIT_ENDS = [
    (
        "en arrival day and the day it concluded",
        "https://akorda.kz/en/v1",
        "President Tokayev held talks with President of Turkmenistan Serdar Berdimuhamedov, who "
        "arrived in Kazakhstan on a state visit on June 9. The state visit of Serdar "
        "Berdimuhamedov to Kazakhstan concluded on June 10.",
        (date(2025, 6, 9), date(2025, 6, 10)),
    ),
    (
        "ru arrival today and how long the visit lasts",
        "https://24.kg/ru/v2",
        "Сегодня в Бишкек с официальным визитом прибыл президент Узбекистана Шавкат Мирзиёев. "
        "Визит продлится до 11 июня.",
        (date(2025, 6, 10), date(2025, 6, 11)),
    ),
]


@pytest.mark.parametrize("name,url,text,days", VISIT_ENDS, ids=[c[0] for c in VISIT_ENDS])
def test_a_visit_spans_from_its_first_to_its_last_day(name, url, text, days) -> None:
    [visit] = _reported(url, text)
    assert (visit.date_start, visit.date_end) == days


def test_a_dateline_city_is_where_the_story_was_filed_not_the_venue() -> None:
    [visit] = _reported(
        "https://khovar.tj/en/d1",
        "DUSHANBE – The state visit of President Emomali Rahmon to the Kyrgyz Republic took place "
        "on 9–10 June. During the visit, Emomali Rahmon and President Sadyr Japarov held talks "
        "in Bishkek.",
    )
    assert (visit.type, visit.city, visit.country) == ("state_visit", "bishkek", "KG")
    assert visit.participants == ["tj-rahmon", "kg-japarov"]


def test_a_dateline_city_still_places_an_event_the_text_places_nowhere_else() -> None:
    [summit] = _reported(
        "https://astanatimes.com/d2",
        "ASTANA – The SCO summit took place on Tuesday, chaired by President Kassym-Jomart Tokayev.",
    )
    assert (summit.format, summit.city, summit.country) == ("sco", "astana", "KZ")


COUNCIL_IN_A_VISIT = [
    (
        "ru the programme includes the council",
        "https://kun.uz/ru/p1",
        "Президент Казахстана Касым-Жомарт Токаев прибыл в Узбекистан с государственным визитом. "
        "Программа включает переговоры на высшем уровне и заседание Высшего межгосударственного "
        "совета Казахстана и Узбекистана.",
    ),
    (
        "uz-Latn the leaders will chair the council",
        "https://kun.uz/oz/p2",
        "Qozog‘iston Prezidenti Qasim-Jomart To‘qayev ertaga O‘zbekistonga davlat tashrifi bilan "
        "keladi. Shavkat Mirziyoyev va Qasim-Jomart To‘qayev O‘zbekiston – Qozog‘iston Oliy "
        "davlatlararo kengashining majlisiga raislik qiladi.",
    ),
    (
        "uz-Cyrl the council session continued",
        "https://president.uz/uz/p3",
        "Қозоғистон Президенти Қосим-Жомарт Тоқаевнинг мамлакатимизга давлат ташрифи якунланди. "
        "Музокаралардан сўнг Ўзбекистон – Қозоғистон Олий давлатлараро кенгашининг мажлиси "
        "кенгайтирилган таркибда давом этди.",
    ),
]


@pytest.mark.parametrize("name,url,text", COUNCIL_IN_A_VISIT, ids=[c[0] for c in COUNCIL_IN_A_VISIT])
def test_a_council_on_a_visits_programme_names_the_visit(name: str, url: str, text: str) -> None:
    [visit] = _reported(url, text)
    assert (visit.type, visit.format, visit.country) == (
        "state_visit",
        "sic-kz-uz",
        "UZ",
    )


CALLS_WITH_TWO_COUNTERPARTS = [
    (
        "uz-Cyrl one sentence, two presidents",
        "https://president.uz/uz/t1",
        "Президент Шавкат Мирзиёев бугун Қозоғистон Президенти Қосим-Жомарт Тоқаев ва "
        "Туркманистон Президенти Сердар Бердимуҳамедов билан телефон орқали мулоқот қилди.",
    ),
    (
        "en one sentence, two presidents",
        "https://uza.uz/en/t2",
        "President Shavkat Mirziyoyev held telephone conversations today with President of "
        "Kazakhstan Kassym-Jomart Tokayev and President of Turkmenistan Serdar Berdimuhamedov.",
    ),
]


@pytest.mark.parametrize(
    "name,url,text", CALLS_WITH_TWO_COUNTERPARTS, ids=[c[0] for c in CALLS_WITH_TWO_COUNTERPARTS]
)
def test_a_call_with_two_counterparts_is_two_calls(name: str, url: str, text: str) -> None:
    calls = _reported(url, text)
    assert [(c.type, c.participants, c.date_start) for c in calls] == [
        ("phone_call", ["uz-mirziyoyev", "kz-tokayev"], date(2025, 6, 10)),
        ("phone_call", ["uz-mirziyoyev", "tm-serdar-berdimuhamedov"], date(2025, 6, 10)),
    ]
    assert all(len(c.spans["participants"]) == 2 for c in calls)


def test_a_call_between_two_leaders_stays_one_call() -> None:
    calls = _reported(
        "https://akorda.kz/ru/t3",
        "Касым-Жомарт Токаев провел телефонный разговор с Президентом России Владимиром Путиным.",
    )
    assert [(c.type, c.participants) for c in calls] == [
        ("phone_call", ["kz-tokayev", "ru-putin"])
    ]


def test_a_city_named_in_passing_does_not_move_a_visit_out_of_its_destination() -> None:
    [visit] = _reported(
        "https://akorda.kz/en/h1",
        "President Tokayev held talks with President of Uzbekistan Shavkat Mirziyoyev, who "
        "arrived in Kazakhstan on a state visit. The two leaders took part via video link in the "
        "opening of the Samarkand logistics centre.",
    )
    assert (visit.type, visit.country) == ("state_visit", "KZ")
    assert visit.city != "samarkand"


def test_a_city_where_the_talks_were_places_the_visit() -> None:
    [visit] = _reported(
        "https://akorda.kz/en/h2",
        "President of Uzbekistan Shavkat Mirziyoyev arrived in Kazakhstan on a state visit. "
        "President Tokayev and Shavkat Mirziyoyev held talks in Astana.",
    )
    assert (visit.type, visit.city, visit.country) == ("state_visit", "astana", "KZ")


STAYED_AWAY = [
    (
        "en did not attend",
        "https://kazinform.kz/en/a1",
        "Leaders of the CSTO met in Astana on Tuesday. Russian President Vladimir Putin attended "
        "the summit. Armenian Prime Minister Nikol Pashinyan, whose country has frozen its "
        "participation, did not attend.",
    ),
    (
        "ru не приехал",
        "https://kazinform.kz/ru/a2",
        "Сегодня в Астане прошел саммит ОДКБ. В нем принял участие Президент России Владимир "
        "Путин. Премьер-министр Армении Никол Пашинян в Астану не приехал.",
    ),
]


@pytest.mark.parametrize("name,url,text", STAYED_AWAY, ids=[c[0] for c in STAYED_AWAY])
def test_a_leader_who_stayed_away_is_not_a_participant(name: str, url: str, text: str) -> None:
    [summit] = _reported(url, text)
    assert summit.format == "csto"
    assert "ru-putin" in summit.participants
    assert "am-pashinyan" not in summit.participants
