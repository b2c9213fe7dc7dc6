"""«Дружные скидки» for every page's templates, read only where a template asks (the home page banner)."""

from django.utils.functional import cached_property

from .selectors import programme_state


class Programme:
    @cached_property
    def _state(self) -> dict:
        return programme_state()

    @property
    def round(self):
        return self._state["round"]

    @property
    def next_round(self):
        return self._state["next_round"]


def programme(request):
    return {"referral_programme": Programme()}
