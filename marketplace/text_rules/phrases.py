"""Forbidden phrases: extra payments, upselling, invitations off the site and to other marketplaces."""

import re

from .common import Finding, Kind, _find, _words
from .messengers import _AMBIGUOUS_WORDS, _CYR_ENDING, _MESSENGER_WORDS

# --- Forbidden phrases --------------------------------------------------------------------------

# Where a message tries to take the buyer: a messenger, or private messages outside the site.
_OFFSITE_TARGET = (
    "(?:"
    + "|".join(_MESSENGER_WORDS)
    + "|"
    + _AMBIGUOUS_WORDS
    + r"|личк[аеиу]|лс|личные\s+сообщения|приват|директ[аеу]?|direct|мессенджер"
    + _CYR_ENDING
    + r")"
)
_OFFSITE_INVITATION = (
    r"(?:\s+(?:мне|нам|меня|нас|вас|вам|тебя|тебе|со\s+мной|с\s+нами))?"
    r"(?:\s+(?:фото|фотки|фотографии|видео|подробности|реквизиты|ссылку|каталог|прайс))?"
    r"\s+(?:в|во|на|по|через)\s+" + _OFFSITE_TARGET
)
_GIVE_VERBS = (
    r"скин(?:ьте|ь|у) кин(?:ьте|ь|у) сброс(?:ьте|ь) сброшу пришл(?:ите|и|ю) дай(?:те)? дам даю остав(?:ьте|ь|лю) "
    r"продикту(?:йте|й|ю) напиш(?:ите|и|у) скаж(?:ите|и|у) отправ(?:ьте|ь|лю)"
).split()
_GIVE_FILLER = r"(?:\s+(?:мне|вам|нам|тебе|пожалуйста|свой|свои|ваш|ваши|мой|мои|твой|личный|сотовый|мобильный)){0,3}"
# "Напишите номер заказа", "пришлю номер трека", "скажите номер ПВЗ" are about the order.
_NOT_A_CONTACT_NUMBER = (
    r"(?!\s+(?:заказ|трек|отслеж|отправлен|посылк|накладн|дом|кварт|квитанц|чек|размер|модел|артикул|пвз|пункт"
    r"|ячейк|офис|карт|сч[её]т|заявк|договор|парти|цвет|позици|товар|лот|стать|страниц|подъезд|этаж))"
)
_CONTACT_OBJECT = (
    r"(?:номер(?:\s+(?:телефона|мобильного|сотового))?"
    + _NOT_A_CONTACT_NUMBER
    + r"|телефон(?:чик)?|контакт(?:ы|ик|ики)?|e-?mail|имейл|емейл|мейл|ватсап|whatsapp|телегу|тг|ник)"
    # "Оставьте телефон в заказе": the order form asks for it.
    + r"(?!\s+(?:в|при)\s+(?:заказе|оформлении|форме|анкете|корзине))"
)
_OWN = r"(?:мо[её]м|нашем|моей|нашей|мой|наш|мою|нашу|моё|мое|наше)"
_OWN_CHANNEL = (
    "(?:"
    + "|".join(_MESSENGER_WORDS)
    + r"|канал[а-яё]{0,2}|паблик[а-яё]{0,2}|блог[а-яё]{0,2}|групп[а-яё]{0,2}|тг|телег[а-яё]{0,2})"
)
# "На нашем сайте" is how Lavka and its sellers speak of Lavka itself; "мой сайт" is somewhere else.
_MY_SITE = r"(?:мо[её]м|мой)\s+сайт[а-яё]{0,2}"
_MUST_PAY_EXTRA = r"\s+(?:будет\s+)?(?:оплатить\s+дополнительно|доплатить)(?:\s+за)?"
_FORBIDDEN_RE = re.compile(
    _words(
        [
            # «Оплатите дополнительно за...» and its variants.
            r"оплат(?:ите|и)\s+(?:(?:ещ[её]|пожалуйста),?\s+)?дополнительно(?:\s+за)?",
            r"дополнительно\s+(?:до)?оплат(?:ите|и)(?:\s+за)?",
            r"доплат(?:ите|и)(?:\s+за)?",
            r"нужно" + _MUST_PAY_EXTRA,
            r"надо" + _MUST_PAY_EXTRA,
            r"необходимо" + _MUST_PAY_EXTRA,
            r"придётся" + _MUST_PAY_EXTRA,
            r"придется" + _MUST_PAY_EXTRA,
            r"следует" + _MUST_PAY_EXTRA,
            r"требуется" + _MUST_PAY_EXTRA,
            # «Купите еще этот товар...».
            r"купи(?:те)?\s+(?:ещ[её](?:\s+(?:один|одну|одно|раз|такой|такую|такое|(?:этот|эту|это)(?:\s+товар)?))?"
            r"|также|так\s+же|дополнительно)",
            r"купи(?:те)?\s+(?:этот|эту|это)(?:\s+товар)?\s+ещ[её](?:\s+раз)?",
            # «Напишите мне в WhatsApp/Telegram» and other invitations to talk off the site.
            r"напиш(?:ите|и)" + _OFFSITE_INVITATION,
            r"пиш(?:ите|и)" + _OFFSITE_INVITATION,
            r"пишем" + _OFFSITE_INVITATION,
            r"позвон(?:ите|и)" + _OFFSITE_INVITATION,
            r"звон(?:ите|и)" + _OFFSITE_INVITATION,
            r"свяж(?:итесь|ись)" + _OFFSITE_INVITATION,
            r"перейд(?:[её]м|[её]мте|ите|и)" + _OFFSITE_INVITATION,
            r"переход(?:ите|и)" + _OFFSITE_INVITATION,
            r"давайте" + _OFFSITE_INVITATION,
            r"добав(?:ьте|ляйте)(?:сь)?" + _OFFSITE_INVITATION,
            r"стуч(?:ите|и)" + _OFFSITE_INVITATION,
            # «Спишемся в телеге», «скину в ватсап», «жду вас в директе».
            r"спиш(?:емся|емтесь|итесь|ись)" + _OFFSITE_INVITATION,
            r"списаться" + _OFFSITE_INVITATION,
            r"созвон(?:имся|имтесь|итесь|ись)" + _OFFSITE_INVITATION,
            r"договор(?:имся|имтесь|иться)" + _OFFSITE_INVITATION,
            r"обсуд(?:им|имте)" + _OFFSITE_INVITATION,
            r"продолж(?:им|имте)" + _OFFSITE_INVITATION,
            r"пообща(?:емся|емтесь)" + _OFFSITE_INVITATION,
            r"отвеч(?:у|аю)" + _OFFSITE_INVITATION,
            r"жду" + _OFFSITE_INVITATION,
            r"скин(?:у|ьте|ь)" + _OFFSITE_INVITATION,
            r"кида(?:йте|й|ю)" + _OFFSITE_INVITATION,
            r"пришл(?:ю|ите|и)" + _OFFSITE_INVITATION,
            # «Давайте напрямую», «закажите у меня напрямую дешевле», «договоримся лично». Paying the
            # seller directly is how orders are paid here (seed 001: the site takes no payments), so
            # "напрямую" counts only next to ordering or agreeing, not next to paying.
            r"давай(?:те)?\s+(?:(?:лучше|сразу|уже)\s+)?напрямую",
            *[verb + r"[а-яё]{0,4}\s+(?:у\s+меня|мне)\s+напрямую" for verb in ("закаж", "заказыва")],
            *[
                verb + r"[а-яё]{0,6}\s+(?:(?:со\s+мной|с\s+вами)\s+)?(?:напрямую|лично)"
                for verb in ("договор", "спиш", "списа")
            ],
            r"напрямую\s+(?:у\s+меня|дешевле|выгоднее|без\s+(?:комиссии|наценки|сайта|площадки))",
            r"у\s+меня\s+напрямую",
            r"дешевле\s+(?:будет\s+)?напрямую",
            r"выгоднее\s+(?:будет\s+)?напрямую",
            # «Скиньте номер», «дам свой номер», «оставьте ваш телефон».
            *[verb + _GIVE_FILLER + r"\s+" + _CONTACT_OBJECT for verb in _GIVE_VERBS],
            # «Есть ещё в моём инстаграме», «на нашем сайте».
            r"в\s+" + _OWN + r"\s+" + _OWN_CHANNEL,
            r"во\s+" + _OWN + r"\s+" + _OWN_CHANNEL,
            r"на\s+" + _OWN + r"\s+" + _OWN_CHANNEL,
            r"на\s+" + _MY_SITE,
            r"в\s+" + _MY_SITE,
        ]
    )
)
# "Вам не нужно доплатить", "не прошу вас переходить" is the seller saying the opposite.
_NEGATION_BEFORE_RE = re.compile(
    r"(?<!\w)(?:не|нельзя)\s+(?:(?:нужно|надо|стоит|прошу|просим|советую|советуем|рекомендую|рекомендуем|буду"
    r"|будем|можно|вам|нам|вас|пожалуйста)\s+){0,2}$"
)
_NEGATION_WINDOW = 40

# Dealing around the site: «оплата мимо сайта», «договоримся без площадки», «в обход Лавки».
_SITE = r"(?:сайт[аеу]?|площадк[аиеу]|маркетплейс[аеу]?|лавк[аиеу]|lavka)"
_BYPASS_RE = re.compile(
    _words(
        [
            r"мимо\s+" + _SITE,
            r"в\s+обход\s+" + _SITE,
            r"вне\s+" + _SITE,
            r"минуя\s+" + _SITE,
            r"без\s+(?:(?:комиссии|наценки|посредничества)\s+)?" + _SITE,
        ]
    )
)
# Another marketplace offered as a place to buy: «у меня есть на Авито», «дешевле на WB».
_MARKETPLACE = (
    r"(?:авито|avito|озон[аеуы]?|ozon|wildberries|вайлдберриз|валдберис|вб|wb|ярмарк[аеиу]\s+мастеров|livemaster"
    r"|ливмастер[аеу]?|etsy|этси|aliexpress|алиэкспресс[аеу]?|яндекс[\s.]?маркет[аеу]?|мегамаркет[аеу]?|юл[аеу])"
)
_MARKETPLACE_OFFER_RE = re.compile(
    _words(
        [
            starter + r"(?:\s+[^\s,.!?;:]+){0,3}?\s+(?:на|в)\s+" + _MARKETPLACE
            for starter in [
                r"есть",
                r"продаю",
                r"прода[её]м",
                r"выстав[а-яё]{0,5}",
                r"вылож[а-яё]{0,5}",
                r"купи(?:те)?",
                r"покупайте",
                r"закаж(?:ите|и)",
                r"заказывайте",
                r"ищите",
                r"найдите",
                r"смотрите",
                r"посмотрите",
                r"лежит",
                r"висит",
                r"дешевле",
                r"выгоднее",
                r"магазин",
                r"у\s+меня",
                r"у\s+нас",
            ]
        ]
    )
)
# A pick-up point of a marketplace is only an address: «есть ПВЗ на Озоне рядом».
_PICKUP_RE = re.compile(r"пвз|пункт|постамат|выдач|склад|достав|отправ|курьер|самовывоз|забрать|заберите")
# "Я не работаю мимо сайта", "у меня нет магазина на Авито": a "не" earlier in the same clause.
_CLAUSE_NEGATION_RE = re.compile(r"(?<!\w)(?:не|нет|нельзя|никогда|ни)(?!\w)[^,.!?;:()\n—–-]*$")
_NEGATION_AFTER_RE = re.compile(r"\s*(?:не|нельзя|невозможн[а-яё]*|запрещ[её]н[а-яё]*)(?!\w)")


def _find_phrases(text: str, variant: str) -> list[Finding]:
    """Forbidden phrases in one spelling (``variant``) of ``text``, without those negated around them."""
    found = [
        f
        for f in _find(text, variant, _FORBIDDEN_RE, Kind.FORBIDDEN_PHRASE)
        if not _NEGATION_BEFORE_RE.search(variant, max(0, f.start - _NEGATION_WINDOW), f.start)
    ]
    for regex in (_BYPASS_RE, _MARKETPLACE_OFFER_RE):
        for f in _find(text, variant, regex, Kind.FORBIDDEN_PHRASE):
            if (
                _CLAUSE_NEGATION_RE.search(variant, max(0, f.start - _NEGATION_WINDOW), f.end)
                or _NEGATION_AFTER_RE.match(variant, f.end)
                or (regex is _MARKETPLACE_OFFER_RE and _PICKUP_RE.search(variant, f.start, f.end))
            ):
                continue
            found.append(f)
    return found
