"""Number words of Russian, Kazakh, Uzbek (Cyrillic and Latin) and English.

Plain tables: cardinal words with their values, the hundred and scale words, "half", and the
ordinal forms. Russian lists its case forms; Kazakh and Uzbek glue case endings onto the word,
which ``numbers`` strips with the ending tables below. Everything is immutable.
"""

from __future__ import annotations

from types import MappingProxyType

UNIT = "unit"
HUNDRED = "hundred"
SCALE = "scale"
HALF = "half"

THOUSAND, MILLION, BILLION, TRILLION = 1e3, 1e6, 1e9, 1e12
SCALE_LABELS = MappingProxyType(
    {THOUSAND: "thousand", MILLION: "mln", BILLION: "bn", TRILLION: "trn"}
)


def _forms(table: dict[float, str]) -> dict[str, float]:
    return {form: value for value, forms in table.items() for form in forms.split()}


_RU_UNITS = _forms(
    {
        1: "один одна одно одного одной одному одним одном",
        2: "два две двух двум двумя",
        3: "три трех трем тремя",
        4: "четыре четырех четырем четырьмя",
        5: "пять пяти пятью",
        6: "шесть шести шестью",
        7: "семь семи",
        8: "восемь восьми восемью",
        9: "девять девяти девятью",
        10: "десять десяти десятью",
        11: "одиннадцать одиннадцати",
        12: "двенадцать двенадцати",
        13: "тринадцать тринадцати",
        14: "четырнадцать четырнадцати",
        15: "пятнадцать пятнадцати",
        16: "шестнадцать шестнадцати",
        17: "семнадцать семнадцати",
        18: "восемнадцать восемнадцати",
        19: "девятнадцать девятнадцати",
        20: "двадцать двадцати",
        30: "тридцать тридцати",
        40: "сорок сорока",
        50: "пятьдесят пятидесяти",
        60: "шестьдесят шестидесяти",
        70: "семьдесят семидесяти",
        80: "восемьдесят восьмидесяти",
        90: "девяносто девяноста",
        100: "сто ста",
        200: "двести двухсот",
        300: "триста трехсот",
        400: "четыреста четырехсот",
        500: "пятьсот пятисот",
        600: "шестьсот шестисот",
        700: "семьсот семисот",
        800: "восемьсот восьмисот",
        900: "девятьсот девятисот",
        1.5: "полтора полторы полутора",
    }
)
_RU_SCALES = _forms(
    {
        THOUSAND: "тысяча тысячи тысяч тысячу тысячам тысячами тысяче тыс",
        MILLION: "миллион миллиона миллионов миллиону миллионам миллионами миллионе млн",
        BILLION: "миллиард миллиарда миллиардов миллиарду миллиардам миллиардами миллиарде млрд",
        TRILLION: "триллион триллиона триллионов триллиону триллионам триллионами трлн",
    }
)

_KK_UNITS = _forms(
    {
        1: "бір",
        2: "екі",
        3: "үш",
        4: "төрт",
        5: "бес",
        6: "алты",
        7: "жеті",
        8: "сегіз",
        9: "тоғыз",
        10: "он",
        20: "жиырма",
        30: "отыз",
        40: "қырық",
        50: "елу",
        60: "алпыс",
        70: "жетпіс",
        80: "сексен",
        90: "тоқсан",
    }
)
_KK_SCALES = _forms(
    {
        THOUSAND: "мың",
        MILLION: "миллион млн",
        BILLION: "миллиард миллииард млрд",
        TRILLION: "триллион трлн",
    }
)

_UZ_UNITS = _forms(
    {
        1: "бир bir",
        2: "икки ikki",
        3: "уч uch",
        4: "тўрт to'rt",
        5: "беш besh",
        6: "олти olti",
        7: "етти yetti",
        8: "саккиз sakkiz",
        9: "тўққиз to'qqiz",
        10: "ўн o'n",
        20: "йигирма yigirma",
        30: "ўттиз o'ttiz",
        40: "қирқ qirq",
        50: "эллик ellik",
        60: "олтмиш oltmish",
        70: "етмиш yetmish",
        80: "саксон sakson",
        90: "тўқсон to'qson",
    }
)
_UZ_SCALES = _forms(
    {
        THOUSAND: "минг ming",
        MILLION: "миллион млн million mln",
        BILLION: "миллиард млрд milliard mlrd",
        TRILLION: "триллион трлн trillion trln",
    }
)

_EN_UNITS = _forms(
    {
        1: "one",
        2: "two",
        3: "three",
        4: "four",
        5: "five",
        6: "six",
        7: "seven",
        8: "eight",
        9: "nine",
        10: "ten",
        11: "eleven",
        12: "twelve",
        13: "thirteen",
        14: "fourteen",
        15: "fifteen",
        16: "sixteen",
        17: "seventeen",
        18: "eighteen",
        19: "nineteen",
        20: "twenty",
        30: "thirty",
        40: "forty",
        50: "fifty",
        60: "sixty",
        70: "seventy",
        80: "eighty",
        90: "ninety",
    }
)
_EN_SCALES = _forms(
    {
        THOUSAND: "thousand thousands",
        MILLION: "million millions mln mn",
        BILLION: "billion billions bn",
        TRILLION: "trillion trillions tn trn",
    }
)

# word -> (kind, value); all keys casefolded, Uzbek apostrophes folded to "'"
NUMBER_WORDS = MappingProxyType(
    {
        **{
            w: (UNIT, v)
            for table in (_RU_UNITS, _KK_UNITS, _UZ_UNITS, _EN_UNITS)
            for w, v in table.items()
        },
        **{
            w: (SCALE, v)
            for table in (_RU_SCALES, _KK_SCALES, _UZ_SCALES, _EN_SCALES)
            for w, v in table.items()
        },
        **{w: (HUNDRED, 100.0) for w in ("жүз", "юз", "yuz", "hundred")},
        **{w: (HALF, 0.5) for w in ("жарым", "ярим", "yarim", "half", "половиной")},
    }
)
# Scale abbreviations glued to digits in English and Latin Uzbek ("$1.7bn", "6k").
GLUED_SCALES = MappingProxyType(
    {
        "bn": BILLION,
        "b": BILLION,
        "mn": MILLION,
        "m": MILLION,
        "k": THOUSAND,
        "mln": MILLION,
        "mlrd": BILLION,
    }
)

# Case and possessive endings Kazakh and Uzbek glue onto a number word ("мыңнан",
# "миллиардқа", "миллиардга", "mingdan"). Only stripped from words of three letters or more:
# short numerals ("он", "уч") would otherwise swallow pronouns ("онда", "учун").
NUMBER_ENDINGS = frozenset(
    """нан нен дан ден тан тен ға ге қа ке на не ның нің дың дің тың тің да де та те ды ді ты ті
    ны ні ын ін ы і дай дей тай тей дағы дегі тағы тегі ға га ка ни нинг дан да лик лаб ча гача
    dan ga ka ni ning da lik lab cha gacha ta""".split()
)

# Endings after a hyphen that make a digit an ordinal ("6-шы", "7-ші", "6-й", "2-го").
ORDINAL_ENDINGS = frozenset(
    """ші шы сі сы і ы інші ыншы нші ншы й я е го му м ой ая ое ий ый ых ого его ому ему ым ом ую
    chi nchi inchi чи нчи инчи""".split()
)
ENGLISH_ORDINAL_ENDINGS = ("st", "nd", "rd", "th")

_RU_ORDINAL_STEMS = {
    "перв": 1,
    "втор": 2,
    "четверт": 4,
    "пят": 5,
    "шест": 6,
    "седьм": 7,
    "восьм": 8,
    "девят": 9,
    "десят": 10,
    "одиннадцат": 11,
    "двенадцат": 12,
    "тринадцат": 13,
    "четырнадцат": 14,
    "пятнадцат": 15,
    "шестнадцат": 16,
    "семнадцат": 17,
    "восемнадцат": 18,
    "девятнадцат": 19,
    "двадцат": 20,
    "тридцат": 30,
    "сороков": 40,
    "пятидесят": 50,
    "шестидесят": 60,
    "семидесят": 70,
    "восьмидесят": 80,
    "девяност": 90,
    "сот": 100,
}
_RU_ADJECTIVE_ENDINGS = (
    "ый ой ий ая ое ого ому ым ом ую ые ых ыми ей ою ие их ими ем его ему яя ее юю".split()
)
_RU_THIRD = (
    "третий третья третье третьего третьей третьему третьим третьем третью третьи третьих третьими"
).split()

_KK_ORDINALS = {
    1: "бірінші",
    2: "екінші",
    3: "үшінші",
    4: "төртінші",
    5: "бесінші",
    6: "алтыншы",
    7: "жетінші",
    8: "сегізінші",
    9: "тоғызыншы",
    10: "оныншы",
    20: "жиырмасыншы",
    30: "отызыншы",
    40: "қырқыншы",
    50: "елуінші",
    60: "алпысыншы",
    70: "жетпісінші",
    80: "сексенінші",
    90: "тоқсаныншы",
    100: "жүзінші",
}
_UZ_ORDINALS = {
    1: "биринчи birinchi",
    2: "иккинчи ikkinchi",
    3: "учинчи uchinchi",
    4: "тўртинчи to'rtinchi",
    5: "бешинчи beshinchi",
    6: "олтинчи oltinchi",
    7: "еттинчи yettinchi",
    8: "саккизинчи sakkizinchi",
    9: "тўққизинчи to'qqizinchi",
    10: "ўнинчи o'ninchi",
    20: "йигирманчи yigirmanchi",
    30: "ўттизинчи o'ttizinchi",
    40: "қирқинчи qirqinchi",
    50: "элликинчи ellikinchi elliginchi",
    60: "олтмишинчи oltmishinchi",
    70: "етмишинчи yetmishinchi",
    80: "саксонинчи saksoninchi",
    90: "тўқсонинчи to'qsoninchi",
    100: "юзинчи yuzinchi",
}
_EN_ORDINALS = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
    6: "sixth",
    7: "seventh",
    8: "eighth",
    9: "ninth",
    10: "tenth",
    11: "eleventh",
    12: "twelfth",
    13: "thirteenth",
    14: "fourteenth",
    15: "fifteenth",
    16: "sixteenth",
    17: "seventeenth",
    18: "eighteenth",
    19: "nineteenth",
    20: "twentieth",
    30: "thirtieth",
    40: "fortieth",
    50: "fiftieth",
    60: "sixtieth",
    70: "seventieth",
    80: "eightieth",
    90: "ninetieth",
    100: "hundredth",
}
# Endings a Kazakh or Uzbek ordinal may carry when it stands for a noun ("екіншісі").
ORDINAL_WORD_ENDINGS = ("сі", "сы", "си", "si", "сида", "sida", "ні", "ны", "ни", "ni")


def _ordinal_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for stem, value in _RU_ORDINAL_STEMS.items():
        words.update({stem + ending: value for ending in _RU_ADJECTIVE_ENDINGS})
    words.update({form: 3 for form in _RU_THIRD})
    for table in (_KK_ORDINALS, _UZ_ORDINALS, _EN_ORDINALS):
        for value, forms in table.items():
            words.update({form: value for form in forms.split()})
    return words


ORDINAL_WORDS = MappingProxyType(_ordinal_words())

# Tens that may precede an ordinal word in a compound ("двадцать пятый", "он бірінші",
# "yigirma beshinchi", "twenty-first").
ORDINAL_TENS = MappingProxyType(
    {
        **{w: v for w, v in _RU_UNITS.items() if v in (20, 30, 40, 50, 60, 70, 80, 90, 100)},
        **{w: v for w, v in _KK_UNITS.items() if v >= 10},
        **{w: v for w, v in _UZ_UNITS.items() if v >= 10},
        **{w: v for w, v in _EN_UNITS.items() if v >= 20},
    }
)
