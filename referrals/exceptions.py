"""Domain errors of the referrals app."""

from marketplace.exceptions import DomainError


class PromoError(DomainError):
    """A promo code that does not apply, saying why (unknown, ended, used up…)."""


class OfferError(DomainError):
    """A personal offer that cannot be made (made already, a bad percent…)."""


class ReferralError(DomainError):
    """«Дружные скидки»: a round that can't be saved, an invitation that can't be sent…"""
