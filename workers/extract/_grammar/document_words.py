"""Words of signed documents: the kinds, the signing verbs, and what bounds a title.

Regular expression alternatives matched case-insensitively on folded text. Russian and
English put a title's complement after the noun ("соглашение о ...", "agreement on ...");
Kazakh and Uzbek put it before ("... туралы келісім", "... тўғрисидаги битим").
"""

from __future__ import annotations

from types import MappingProxyType

# kind -> nouns naming one document of that kind. Head-first nouns (ru, en) and head-final
# nouns (kk, uz) are kept apart because the title lies on opposite sides of them.
HEAD_FIRST_NOUNS = MappingProxyType(
    {
        "agreement": [r"соглашени(?:е|я|ю|ем|и|й|ям|ями|ях)", r"agreements?", r"accords?"],
        "memorandum": [r"меморандум(?:а|у|ом|е|ы|ов|ам|ами|ах)?", r"memorand(?:um|a|ums)", r"mou"],
        "decision": [r"решени(?:е|я|ю|ем|и|й|ям|ями|ях)", r"decisions?", r"resolutions?"],
        "programme": [r"программ(?:а|ы|е|у|ой|ою|ам|ами|ах)?", r"programmes?", r"programs?"],
        "roadmap": [r"дорожн(?:ая|ой|ую|ые|ых)\s+карт(?:а|ы|е|у|ой)?", r"road\s?maps?"],
        "concept": [r"концепци(?:я|и|ю|ей|ям)", r"concepts?"],
        "declaration": [
            r"декларац(?:ия|ии|ию|ией|ий)",
            r"(?:совместн\w+\s+)?заявлени(?:е|я|ю|ем)",
            r"declarations?",
            r"(?:joint\s+)?statements?",
            r"communiqu[eé]s?",
        ],
        "plan": [r"план(?:а|у|ом|е|ы|ов)?", r"(?:action\s+)?plans?"],
        "protocol": [r"протокол(?:а|у|ом|е|ы|ов)?", r"protocols?"],
        "treaty": [r"договор(?:а|у|ом|е|ы|ов)?", r"treat(?:y|ies)", r"conventions?"],
        "contract": [r"контракт(?:а|у|ом|е|ы|ов)?", r"contracts?"],
    }
)
HEAD_FINAL_NOUNS = MappingProxyType(
    {
        "agreement": [
            r"келісім(?!шарт)\w*",
            r"битим\w*",
            r"келишув\w*",
            r"bitim\w*",
            r"kelishuv\w*",
        ],
        "memorandum": [r"меморандум\w*", r"memorandum\w*"],
        "decision": [r"шешім\w*", r"қарор\w*", r"qaror\w*"],
        "programme": [r"бағдарлама\w*", r"дастур\w*", r"dastur\w*"],
        "roadmap": [r"жол\s+карта\w*", r"йўл\s+харита\w*", r"yo'l\s+xarita\w*"],
        "concept": [r"тұжырымдама\w*", r"концепция\w*", r"konsepsiya\w*", r"kontseptsiya\w*"],
        "declaration": [
            r"декларация\w*",
            r"мәлімдеме\w*",
            r"баёнот\w*",
            r"bayonot\w*",
            r"deklaratsiya\w*",
        ],
        "plan": [
            r"жоспар(?:ы|ын|ына|ға|ды|і)?",
            r"режа(?:си|сини|ни|га)?",
            r"reja(?:si|sini|ni|ga)?",
        ],
        "protocol": [r"хаттама\w*", r"баённома\w*", r"bayonnoma\w*", r"протокол\w*"],
        "treaty": [r"шарт(?:ы|қа|ты|ын)?", r"шартнома\w*", r"shartnoma\w*"],
        "contract": [r"келісімшарт\w*", r"контракт\w*", r"kontrakt\w*"],
    }
)
# A plural of a head-final noun names a set ("қарорлар", "келісімдер"), not one title.
HEAD_FINAL_PLURAL = r"(?:лар|лер|дар|дер|тар|тер|lar)"

# Nouns for documents in general: list headings and stated counts.
GENERIC_NOUNS = [r"документ\w*", r"құжат\w*", r"ҳужжат\w*", r"hujjat\w*", r"documents?"]

# Finite signing and adoption: past tense, passive, or the signing itself as a noun. The
# attributive participle ("подписанную в марте Программу") names an older document and is
# left out.
SIGNING_VERBS = [
    r"подписа(?:л|ли|ла|ло|н|на|но|ны)",
    r"подписани\w+",
    r"заключ(?:ил|или|ила|ен|ено|ены|ена)",
    r"принял[аио]?",
    r"принят[аоы]?",
    r"утвердил\w*",
    r"утвержден[аоы]?",
    r"одобрил\w*",
    r"одобрен[аоы]?",
    r"парафирова\w*",
    r"обменял\w+",
    r"состоял\w*\s+обмен\w*",
    r"қол\s+қой(?:ды|ылды|ған|ылған|ыпты|ылады|ысты|ысқан)",
    r"қабылда(?:ды|нды|нған|ған)",
    r"бекіт(?:ті|ілді|кен|ілген)",
    r"алмас(?:ты|қан|ты)",
    r"имзола\w+",
    r"қабул\s+қил(?:ди|инди|динди|ган|инган)\w*",
    r"тасдиқла(?:ди|нди|нган)\w*",
    r"алмаш(?:ди|илди)\w*",
    r"imzola\w+",
    r"qabul\s+qil(?:di|indi|gan|ingan)\w*",
    r"tasdiqla(?:di|ndi|ngan)\w*",
    r"signed",
    r"inked",
    r"concluded",
    r"adopted",
    r"approved",
    r"endorsed",
    r"exchanged",
]

# Words that end a head-first title ("Меморандум о взаимопонимании | подписан между ...").
HEAD_FIRST_STOPS = [
    *SIGNING_VERBS,
    r"был[аио]?",
    r"будет",
    r"будут",
    r"стал[аио]?",
    r"в\s+присутствии",
    r"в\s+рамках",
    r"на\s+полях",
    r"с\s+участием",
    r"по\s+итогам",
    r"в\s+ходе",
    r"для",
    r"чтобы",
    r"что",
    r"а\s+также",
    r"также",
    r"котор\w+",
    r"was",
    r"were",
    r"will",
    r"which",
    r"that",
    r"during",
    r"in\s+the\s+presence",
    r"on\s+the\s+sidelines",
    r"as\s+well\s+as",
]
# Relative pronouns: a title cut by one is incomplete ("решение о создании которого ...").
RELATIVES = [r"котор\w+", r"which", r"that"]

# Words that start a head-final title's left edge ("Томонлар ташриф доирасида | ... битим").
HEAD_FINAL_STOPS = [
    *SIGNING_VERBS,
    r"қатарында",
    r"арасында",
    r"арасындағы",
    r"бірқатар",
    r"сондай-ақ",
    r"сонымен",
    r"атап",
    r"олардың",
    r"оның",
    r"тараптар\w*",
    r"барысында",
    r"нәтижесінде",
    r"қорытындысы",
    r"бүгін",
    r"кеше",
    r"президенттер\w*",
    r"басшылары",
    r"үкіметтері",
    r"доирасида",
    r"томонлар",
    r"ўртасида",
    r"ўртасидаги",
    r"шунингдек",
    r"жумладан",
    r"хусусан",
    r"қатор",
    r"қаторида",
    r"якунида",
    r"натижасида",
    r"давомида",
    r"бугун",
    r"кеча",
    r"раҳбарлари",
    r"президентлари",
    r"ҳукуматлари",
    r"doirasida",
    r"tomonlar",
    r"o'rtasida",
    r"o'rtasidagi",
    r"shuningdek",
    r"jumladan",
    r"xususan",
    r"qator",
    r"qatorida",
    r"yakunida",
    r"natijasida",
    r"davomida",
    r"bugun",
    r"kecha",
    r"rahbarlari",
    r"prezidentlari",
]
# Words that may not start a head-final title once its left edge is found.
HEAD_FINAL_LEADING = [
    r"бойынша",
    r"туралы",
    r"және",
    r"мен",
    r"ва",
    r"ҳамда",
    r"ham",
    r"hamda",
    r"va",
    r"бўйича",
    r"bo'yicha",
    r"тўғрисидаги",
    r"to'g'risidagi",
]
# Coordinators that join two documents ("... тұжырымдамасы мен ... Жол картасы").
COORDINATORS = [r"и", r"мен", r"және", r"ва", r"ҳамда", r"va", r"hamda", r"and"]
# Adjectives that belong to a head-first title when they stand before the noun in lower case.
TITLE_ADJECTIVES = [
    r"совместн\w+",
    r"рамочн\w+",
    r"межправительственн\w+",
    r"межведомственн\w+",
    r"двусторонн\w+",
    r"многосторонн\w+",
    r"итогов\w+",
    r"joint",
    r"framework",
    r"intergovernmental",
    r"bilateral",
    r"multilateral",
    r"final",
]
