"""Mentions of messengers and social networks: "WhatsApp", "вотсап", "в тг"."""

import re

from .common import Finding, Kind, _find, _words

# --- Messengers and social networks -------------------------------------------------------------

_CYR_ENDING = r"[а-яё]{0,3}"
_MESSENGER_WORDS = [
    # WhatsApp: whatsapp, whats app, ватсап, вотсап, вацап, уотсап, ватсапп(е), ватс ап...
    r"wh?ats?\s?app?",
    r"в[аоэ]т?[сц]{1,2}\s?апп?" + _CYR_ENDING,
    r"у[аоэ]т?[сц]{1,2}\s?апп?" + _CYR_ENDING,
    r"viber",
    r"ва[йи]бер" + _CYR_ENDING,
    r"вибер" + _CYR_ENDING,
    r"telegram",
    # "телеграмма/-ы/-у/-ой" is a telegram message (and a greeting-card product), not the app.
    r"телеграм(?!м(?:а|ы|у|ой|ами|ам|ах)(?!\w))" + _CYR_ENDING,
    r"vkontakte",
    r"вконтакт" + _CYR_ENDING,
    # "в контакте с кожей" is about touching the skin, not about VK.
    r"в\s+контакте(?!\s+со?(?!\w))",
    r"vk",
    r"вк",
    r"instagram",
    r"insta?",
    r"инстаграм+" + _CYR_ENDING,
    r"инст[аеуы]?",
    r"инстой",
    r"facebook",
    r"ф[еэ][йи]сбук" + _CYR_ENDING,
    r"fb",
    r"фб",
    r"odnoklassniki",
    r"одноклассниках",
    r"you\s?tube",
    r"ютуб" + _CYR_ENDING,
    r"ютьюб" + _CYR_ENDING,
    r"tik\s?tok",
    r"тик\s?ток" + _CYR_ENDING,
    r"skype",
    r"скайп" + _CYR_ENDING,
    # Max is also a name and a size, so only "мессенджер Max" counts.
    r"мессенджер" + _CYR_ENDING + r"\s+(?:max|макс)[а-яё]{0,2}",
]
_MESSENGER_RE = re.compile(_words(_MESSENGER_WORDS))
# "wa" is a syllable in too many words and names; upper-case "WA" is WhatsApp. Run on the original.
_WA_RE = re.compile(r"W(?<!\w.)A(?![\w-])")

# Words that are messengers only after a preposition: "тг" is also tenge, "телега" is a cart
# (sold here as goods) and "одноклассники" are classmates, while "в тг", "по телеге" and
# "в одноклассники" are unambiguous. "мой тг" is too, but "мою телегу" may still be the cart.
# Only the word is reported, without the preposition.
_AMBIGUOUS_WORDS = r"(?:тг|tg|телег[еиу]|одноклассники)"
_CONTEXT_MESSENGER_RE = re.compile(
    _words(
        [
            r"во?\s+(" + _AMBIGUOUS_WORDS + ")",
            r"по\s+(" + _AMBIGUOUS_WORDS + ")",
            r"через\s+(" + _AMBIGUOUS_WORDS + ")",
            r"мой\s+(тг|tg)",
            r"наш\s+(тг|tg)",
        ]
    )
)


def _find_messengers(text: str, fold: str) -> list[Finding]:
    found = _find(text, fold, _MESSENGER_RE, Kind.MESSENGER)
    found += _find(text, text, _WA_RE, Kind.MESSENGER)
    for m in _CONTEXT_MESSENGER_RE.finditer(fold):
        group = m.lastindex
        found.append(Finding(Kind.MESSENGER, text[m.start(group) : m.end(group)], m.start(group), m.end(group)))
    return found
