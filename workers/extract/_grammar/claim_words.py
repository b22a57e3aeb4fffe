"""The words around a figure that say what it is: currencies, units, qualifiers, measures.

Each table is a list of regular expression alternatives per language, matched
case-insensitively on folded text (Uzbek apostrophes as "'", ё as е). Stems end in ``\\w*``
where the language inflects.
"""

from __future__ import annotations

from types import MappingProxyType

CURRENCIES = MappingProxyType(
    {
        "USD": [r"доллар\w*", r"долл\.?", r"dollar\w*", r"usd", r"\$"],
        "EUR": [r"евро", r"еуро\w*", r"yevro\w*", r"euros?", r"eur", r"€"],
        "RUB": [r"рубл\w*", r"руб\.?", r"rubl\w*", r"roubles?", r"rubles?", r"rub", r"₽"],
        "KZT": [r"тенге", r"теңге\w*", r"tenge", r"kzt", r"₸"],
        "UZS": [r"сум(?:ов|а)?", r"сўм\w*", r"so'm\w*", r"soums?", r"sums?", r"uzs"],
        "CNY": [r"юан\w*", r"yuan", r"cny"],
    }
)
# Country words that may stand before a currency name: "АҚШ доллары", "US dollars".
CURRENCY_COUNTRY = r"(?:АҚШ|AQSh|US|U\.S\.|американских)"
CURRENCY_SYMBOLS_BEFORE = MappingProxyType(
    {"$": "USD", "US$": "USD", "€": "EUR", "₸": "KZT", "₽": "RUB", "USD": "USD", "EUR": "EUR"}
)

TONNES = [r"тонн\w*", r"тонна\w*", r"тн", r"т\.", r"tonn\w*", r"tonnes?", r"tons?", r"mt"]
PERCENT = [
    r"%",
    r"процент\w*",
    r"проц\.",
    r"пайыз\w*",
    r"фоиз\w*",
    r"foiz\w*",
    r"percent",
    r"per\s+cent",
    r"pct",
]
PEOPLE = [
    r"человек",
    r"чел\.",
    r"адам\w*",
    r"киши\w*",
    r"нафар\w*",
    r"kishi\w*",
    r"nafar\w*",
    r"people",
    r"persons?",
]

# Nouns that, right after a number, say what is counted.
COUNT_NOUNS = MappingProxyType(
    {
        "jobs": [
            r"рабоч\w+\s+мест\w*",
            r"жұмыс\s+орн\w*",
            r"жұмыс\s+орын\w*",
            r"иш\s+ўрн\w*",
            r"иш\s+ўрин\w*",
            r"ish\s+o'rn\w*",
            r"ish\s+o'rin\w*",
            r"jobs?",
        ],
        "projects": [r"проект\w*", r"жоба\w*", r"лойиҳа\w*", r"loyiha\w*", r"projects?"],
        "enterprises": [
            r"предприяти\w*",
            r"компани\w*",
            r"фирм\w*",
            r"кәсіпорын\w*",
            r"кәсіпорн\w*",
            r"компания\w*",
            r"корхона\w*",
            r"korxona\w*",
            r"kompaniya\w*",
            r"companies",
            r"enterprises",
            r"firms",
            r"businesses",
        ],
        "tourists": [
            r"турист\w*",
            r"сайёҳ\w*",
            r"sayyoh\w*",
            r"turist\w*",
            r"tourists?",
            r"visitors?",
        ],
    }
)

# Words in a sentence that say what a figure measures, most specific first: the first
# measure whose words occur wins.
MEASURE_CUES = (
    (
        "intra_regional_trade",
        [
            r"внутрирегиональн\w+\s+торговл\w*",
            r"торговл\w*\s+внутри\s+регион\w*",
            r"(?:өңір|аймақ)\s+ішіндегі\s+сауда\w*",
            r"(?:өңір|аймақ)ішілік\s+сауда\w*",
            r"минтақа\s+ичидаги\s+савдо\w*",
            r"минтақавий\s+савдо\w*",
            r"mintaqa\s+ichidagi\s+savdo\w*",
            r"mintaqaviy\s+savdo\w*",
            r"intra-?regional\s+trade",
        ],
    ),
    (
        "trade",
        [
            r"товарооборот\w*",
            r"торгов\w*\s+оборот\w*",
            r"торговл\w*",
            r"тауар\s+айналым\w*",
            r"сауда\s+көлем\w*",
            r"сауда\s+айналым\w*",
            r"сауда\w*",
            r"товар\s+айирбошлаш\w*",
            r"савдо\s+ҳажм\w*",
            r"савдо\s+айланма\w*",
            r"савдо\w*",
            r"tovar\s+ayirboshlash\w*",
            r"savdo\s+hajm\w*",
            r"savdo\s+aylanma\w*",
            r"savdo\w*",
            r"trade",
            r"turnover",
        ],
    ),
    (
        "industrial_cooperation",
        [
            r"(?:промышленн|индустриальн|производственн)\w+\s+кооперац\w*",
            r"өнеркәсіп\w*\s+кооперац\w*",
            r"индустриял\w*\s+кооперац\w*",
            r"саноат\s+кооперация\w*",
            r"sanoat\s+kooperatsiya\w*",
            r"industrial\s+cooperation",
        ],
    ),
    (
        "investment",
        [
            r"инвестиц\w*",
            r"капиталовложени\w*",
            r"сармоя\w*",
            r"investitsiya\w*",
            r"sarmoya\w*",
            r"invest\w*",
        ],
    ),
    ("projects", list(COUNT_NOUNS["projects"])),
    (
        "freight",
        [
            r"грузоперевоз\w*",
            r"перевоз\w*\s+груз\w*",
            r"грузооборот\w*",
            r"перевоз\w*",
            r"жүк\s+тасымал\w*",
            r"жүк\w*",
            r"тасымал\w*",
            r"юк\s+ташиш\w*",
            r"юк\w*",
            r"yuk\s+tashish\w*",
            r"yuk\w*",
            r"freight",
            r"cargo",
            r"shipments?",
        ],
    ),
    ("jobs", list(COUNT_NOUNS["jobs"])),
    ("tourists", list(COUNT_NOUNS["tourists"])),
)
# Measures a money figure may take from its sentence; counts of jobs, companies or
# tourists come from the noun beside the number, not from a word elsewhere.
MONEY_MEASURES = frozenset(
    {"intra_regional_trade", "trade", "industrial_cooperation", "investment", "projects", "freight"}
)

# Projects launched or commissioned at the event itself.
LAUNCH_CUES = [
    r"запуск\w*",
    r"запущ\w*",
    r"запустил\w*",
    r"старт\w*",
    r"в\s+эксплуатаци\w*",
    r"іске\s+қос\w*",
    r"пайдалануға\s+беріл\w*",
    r"ишга\s+туш\w*",
    r"фойдаланишга\s+топшир\w*",
    r"ishga\s+tush\w*",
    r"foydalanishga\s+topshir\w*",
    r"launch\w*",
    r"commission\w*",
    r"inaugurat\w*",
]
# A trade figure stated as a goal.
TARGET_CUES = [
    r"цел\w*",
    r"задач\w*",
    r"довести",
    r"увелич\w*\s+\w*\s*до",
    r"нарастить",
    r"рост\w*\s+\S+\s+\S+\s+до",
    r"жеткізу\w*",
    r"мақсат\w*",
    r"міндет\w*",
    r"етказиш\w*",
    r"мақсад\w*",
    r"etkazish\w*",
    r"maqsad\w*",
    r"target\w*",
    r"goal",
    r"aim\w*",
]
# "к 2030 году", "2030 жылға қарай", "2030 йилгача", "by 2030".
TARGET_YEARS = [
    r"(?:к|до)\s+(?P<y1>(?:19|20)\d\d)\s*(?:год\w*|г\.)",
    r"(?P<y2>(?:19|20)\d\d)\s*-?\s*(?:жылға\s+(?:қарай|дейін)|жылға\s+таман)",
    r"(?P<y3>(?:19|20)\d\d)\s*-?\s*(?:йил(?:гача|га\s+қадар|га\s+бориб)|yil(?:gacha|ga\s+qadar|ga\s+borib))",
    r"(?:by|until|through)\s+(?P<y4>(?:19|20)\d\d)",
]

# Qualifiers. BEFORE: the words end right before the number; AFTER: the words follow the
# unit (Kazakh and Uzbek put them after: "15 мыңнан астам", "8 миллиард доллардан зиёд").
QUALIFIERS_BEFORE = MappingProxyType(
    {
        "more_than": [
            r"более(?:\s+чем)?(?:\s+на)?",
            r"свыше",
            r"больше(?:\s+чем)?",
            r"не\s+менее",
            r"как\s+минимум",
            r"превы\w+(?:\s+\w+)?",
            r"more\s+than",
            r"over",
            r"above",
            r"in\s+excess\s+of",
            r"at\s+least",
            r"exceed\w*",
            r"surpass\w*",
            r"topped",
        ],
        "about": [
            r"около",
            r"порядка",
            r"примерно",
            r"приблизительно",
            r"почти",
            r"шамамен",
            r"қарийб",
            r"тахминан",
            r"салкам",
            r"qariyb",
            r"taxminan",
            r"about",
            r"around",
            r"approximately",
            r"nearly",
            r"almost",
            r"roughly",
            r"some",
            r"~",
        ],
        "up_to": [r"до", r"не\s+более", r"менее", r"up\s+to", r"less\s+than", r"under"],
    }
)
QUALIFIERS_AFTER = MappingProxyType(
    {
        "more_than": [
            r"астам",
            r"артық",
            r"ас(?:атын|ады|ты|қан|ып|а)",
            r"ортиқ",
            r"зиёд",
            r"кўп",
            r"ош(?:ди|ган|иб|ади|иқ)",
            r"ortiq",
            r"ziyod",
            r"ko'p",
            r"osh(?:di|gan|ib|adi|iq)",
            r"plus",
        ],
        "about": [r"жуық", r"шақты", r"яқин", r"yaqin", r"or\s+so"],
        "up_to": [r"дейін", r"гача", r"gacha"],
    }
)
