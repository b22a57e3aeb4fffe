"""Signed and adopted documents: titles from running text and lists, kinds, stated counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.extract.documents import find_documents

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# (name, text, [(kind, title)], count)
CASES = [
    (
        "ru running text",
        "Президенты подписали соглашение о стратегическом партнерстве и союзничестве.",
        [("agreement", "соглашение о стратегическом партнерстве и союзничестве")],
        None,
    ),
    (
        "ru title before its verb",
        "Меморандум о взаимопонимании подписан между министерствами энергетики.",
        [("memorandum", "Меморандум о взаимопонимании")],
        None,
    ),
    (
        "ru accusative back to nominative",
        "Лидеры приняли Декларацию о вечной дружбе.",
        [("declaration", "Декларация о вечной дружбе")],
        None,
    ),
    (
        "ru roadmap",
        "Стороны утвердили Дорожную карту по развитию торговли на 2025–2027 годы.",
        [("roadmap", "Дорожная карта по развитию торговли на 2025–2027 годы")],
        None,
    ),
    (
        "ru joint statement",
        "По итогам переговоров президенты приняли Совместное заявление.",
        [("declaration", "Совместное заявление")],
        None,
    ),
    (
        "ru two documents in one sentence",
        "Компании подписали Рамочное соглашение о разведке и Соглашение о принципах по проекту «Жаркын».",
        [
            ("agreement", "Рамочное соглашение о разведке"),
            ("agreement", "Соглашение о принципах по проекту «Жаркын»"),
        ],
        None,
    ),
    (
        "ru stated count",
        "По итогам переговоров подписано 15 документов, в том числе Соглашение о взаимной защите инвестиций.",
        [("agreement", "Соглашение о взаимной защите инвестиций")],
        15,
    ),
    (
        "ru inline list of complements",
        "Президенты подписали три решения Совета: о создании рабочей группы; о проведении форума.",
        [
            ("decision", "Решение Совета о создании рабочей группы"),
            ("decision", "Решение Совета о проведении форума"),
        ],
        None,
    ),
    (
        "ru line list",
        "По итогам визита подписаны следующие документы:\n– Соглашение о сотрудничестве в области энергетики;\n"
        "– Меморандум о взаимопонимании в сфере туризма;\n– Программа экономического сотрудничества на 2025–2030 годы.\n\n"
        "Далее президенты провели брифинг.",
        [
            ("agreement", "Соглашение о сотрудничестве в области энергетики"),
            ("memorandum", "Меморандум о взаимопонимании в сфере туризма"),
            ("programme", "Программа экономического сотрудничества на 2025–2030 годы"),
        ],
        None,
    ),
    (
        "ru talks about a draft are no signing",
        "Министры обсудили проект соглашения о свободной торговле.",
        [],
        None,
    ),
    (
        "ru solving problems is no decision",
        "Президент подчеркнул важность решения проблем водопользования.",
        [],
        None,
    ),
    (
        "ru an older document named in passing",
        "Важно реализовать подписанную в марте Программу увеличения товарооборота.",
        [],
        None,
    ),
    (
        "ru a relative clause is no title",
        "Работа Совета глав регионов, решение о создании которого было принято в рамках визита.",
        [],
        None,
    ),
    (
        "kk dative noun",
        "Екі ел басшылары Су ресурстарын бірлесіп басқару туралы келісімге қол қойды.",
        [("agreement", "Су ресурстарын бірлесіп басқару туралы келісім")],
        None,
    ),
    (
        "kk two coordinated documents",
        "Кездесу барысында Инвестицияларды өзара қорғау туралы келісім мен Сауда-экономикалық ынтымақтастық бағдарламасына қол қойылды.",
        [
            ("agreement", "Инвестицияларды өзара қорғау туралы келісім"),
            ("programme", "Сауда-экономикалық ынтымақтастық бағдарламасы"),
        ],
        None,
    ),
    ("kk count", "Сапар қорытындысы бойынша 12 құжатқа қол қойылды.", [], 12),
    (
        "kk plural decisions are no title",
        "Кездесуде бірнеше маңызды шешімдер қабылданды.",
        [],
        None,
    ),
    (
        "uz-Cyrl treaty",
        "Президентлар Стратегик шериклик тўғрисидаги шартномани имзолади.",
        [("treaty", "Стратегик шериклик тўғрисидаги шартнома")],
        None,
    ),
    ("uz-Cyrl count", "Ташриф якунида 12 ҳужжат имзоланди.", [], 12),
    ("uz-Cyrl plural decisions are no title", "Бир қатор муҳим қарорлар қабул қилинди.", [], None),
    (
        "uz-Latn agreement",
        "Tomonlar Investitsiyalarni o‘zaro himoya qilish to‘g‘risidagi bitimni imzoladi.",
        [("agreement", "Investitsiyalarni o'zaro himoya qilish to'g'risidagi bitim")],
        None,
    ),
    ("uz-Latn count", "Tashrif yakunida 20 ta hujjat imzolandi.", [], 20),
    (
        "en two documents",
        "The presidents signed an agreement on visa-free travel and a memorandum of understanding on energy cooperation.",
        [
            ("agreement", "agreement on visa-free travel"),
            ("memorandum", "memorandum of understanding on energy cooperation"),
        ],
        None,
    ),
    (
        "en statement and roadmap",
        "The leaders adopted the Joint Statement and the Roadmap for 2025-2027.",
        [("declaration", "Joint Statement"), ("roadmap", "Roadmap for 2025-2027")],
        None,
    ),
    ("en spelled count", "Twelve documents were signed following the talks.", [], 12),
    (
        "a sub-list count is not the total",
        "Компании подписали два документа: Рамочное соглашение о разведке, Соглашение о принципах и Меморандум о кадрах.",
        [
            ("agreement", "Рамочное соглашение о разведке"),
            ("agreement", "Соглашение о принципах"),
            ("memorandum", "Меморандум о кадрах"),
        ],
        None,
    ),
]


@pytest.mark.parametrize(("name", "text", "expected", "count"), CASES, ids=[c[0] for c in CASES])
def test_documents(
    name: str, text: str, expected: list[tuple[str, str]], count: int | None
) -> None:
    documents, stated = find_documents(text)
    assert [(d.kind, d.title) for d in documents] == expected
    assert stated == count
    for document in documents:
        assert text[document.span.start : document.span.end] == document.span.text


def test_language_hint_picks_the_title_side() -> None:
    text = "Меморандум о сотрудничестве подписан."
    assert [d.title for d in find_documents(text, "ru")[0]] == ["Меморандум о сотрудничестве"]
    assert find_documents(text, "kk")[0] == []


def _seed(prefix: str) -> tuple[list[tuple[str | None, str]], int | None]:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    documents, count = find_documents(path.read_text(encoding="utf-8"))
    return [(d.kind, d.title) for d in documents], count


def test_seed_002_names_the_water_agreement() -> None:
    documents, count = _seed("002")
    assert documents == [
        (
            "agreement",
            "Трансчегаравий сув обектларини биргаликда бошқариш ва улардан фойдаланиш тўғрисидаги битим",
        )
    ]
    assert count is None


def test_seed_004_concept_and_roadmap() -> None:
    documents, _ = _seed("004")
    assert documents == [
        ("concept", "«Орталық Азия – 2040» аймақтық кооперацияны дамыту тұжырымдамасы"),
        (
            "roadmap",
            "Аймақтық ынтымақтастықты дамыту бойынша 2025-2027 жылдарға арналған Жол картасы",
        ),
    ]


def test_seed_003_full_list() -> None:
    documents, count = _seed("003")
    kinds = [kind for kind, _ in documents]
    titles = [title for _, title in documents]
    assert kinds.count("decision") == 3
    assert sum(t.startswith("Соглашение между правительствами") for t in titles) == 4
    assert "Совместное заявление" in titles
    assert "Программа сотрудничества на 2026–2027 годы" in titles
    assert (
        "Рамочное соглашение о совместной реализации проектов в нефтегазохимической отрасли"
        in titles
    )
    assert "Соглашение о принципах по разведочному проекту «Жаркын»" in titles
    assert "Соглашение о сотрудничестве" in titles  # the two capitals
    assert "Меморандум о сотрудничестве" in titles  # the youth organisations
    assert kinds.count("memorandum") == 4
    assert "plan" in kinds
    # the company pair's "два документа" counts a sub-list, not the visit's documents
    assert count is None
    assert len(documents) == 18


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_seeds_without_signed_documents(prefix: str) -> None:
    assert _seed(prefix) == ([], None)
