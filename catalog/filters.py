"""The buyer catalog's filters (django-filter): search, category, price, shipping, stock, label, shop, sort."""

import copy

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import search as product_search
from .models import LABEL_FILTERS, Availability, Category, LabelCode, Product
from .selectors import categories_in_tree_order

SORTS = {
    "new": ("-created_at", "-pk"),
    "price": ("sale_price", "pk"),
    "-price": ("-sale_price", "-pk"),
    "discount": ("-discount_percent", "-created_at"),
    "popular": ("-popularity", "-pk"),
}


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=categories_in_tree_order(), to_field_name="slug",
        method="in_category",
        empty_label=_("All categories"),
    )  # fmt: skip
    price_min = django_filters.NumberFilter(
        label=_("Price from"), field_name="sale_price", lookup_expr="gte", min_value=0, max_digits=12,
        decimal_places=2, widget=forms.NumberInput(attrs={"placeholder": _("from"), "min": 0}),
    )  # fmt: skip
    price_max = django_filters.NumberFilter(
        label=_("Price to"), field_name="sale_price", lookup_expr="lte", min_value=0, max_digits=12,
        decimal_places=2, widget=forms.NumberInput(attrs={"placeholder": _("to"), "min": 0}),
    )  # fmt: skip
    free_shipping = django_filters.BooleanFilter(
        label=_("Free shipping"), field_name="free_shipping", widget=forms.CheckboxInput, method="only_if_ticked"
    )
    in_stock = django_filters.BooleanFilter(
        label=_("Ready to ship"), widget=forms.CheckboxInput, method="ready_to_ship"
    )
    digital = django_filters.BooleanFilter(
        label=_("Digital goods: files to download"), widget=forms.CheckboxInput, method="digital_only"
    )
    reliable = django_filters.BooleanFilter(
        label=_("Reliable sellers only"), widget=forms.CheckboxInput, method="from_reliable_shops"
    )
    label = django_filters.ChoiceFilter(label=_("Label"), choices=LabelCode.choices, method="with_label",
                                        empty_label=_("Any label"))  # fmt: skip
    shop = django_filters.CharFilter(label=_("Shop"), field_name="shop__slug", max_length=50)
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("new", _("New first")), ("popular", _("Popular")), ("price", _("Cheaper first")),
                 ("-price", _("More expensive first")), ("discount", _("Biggest discount"))],
        method="sort_by", empty_label=None,
    )  # fmt: skip

    class Meta:
        model = Product
        fields = []

    def __init__(self, data=None, queryset=None, *, category=None, request=None, prefix=None):
        self.fixed_category = category
        self.fuzzy = False
        self.relevance = []
        # django-filter's own __init__ deep-copies every filter (querysets included) on every
        # request, a fifth of a catalog page's time; a shallow copy of each is enough: a filter
        # keeps no request state but the model and the filterset, set here (issue 19).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model, filter_.parent = queryset.model, self
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod bound to this copy, not the class's
        if category is not None:
            del self.filters["category"]

    @property
    def qs(self):
        queryset = super().qs
        if self.fixed_category is not None:
            queryset = self.in_category(queryset, "category", self.fixed_category)
        if not self.is_bound or not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*(self.relevance or SORTS["new"]))
        return queryset

    def search(self, queryset, name, value):
        """Russian word forms, ё, hyphens, shop and category names: catalog/search.py."""
        if self.fuzzy:  # a second try when the exact words found nothing: titles close to them
            return queryset.filter(title__trigram_word_similar=product_search.normalize(value))
        found = product_search.search(queryset, value)
        if found is None:
            return queryset
        self.relevance = product_search.relevance(value)
        return found

    @property
    def search_words(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_bound and self.form.is_valid() else ""

    @property
    def can_be_fuzzy(self) -> bool:
        """PostgreSQL only: a trigram look at titles when no typo suggestion helped."""
        return settings.DB_IS_POSTGRES and bool(self.search_words)

    def fuzzy_qs(self):
        self.fuzzy = True
        del self._qs
        return self.qs

    def in_category(self, queryset, name, category):
        if category is None:
            return queryset
        children = getattr(category, "subcategories", None)  # known when it comes from the cached tree
        if children is None:
            children = Category.objects.filter(parent=category).values_list("pk", flat=True)
        ids = [category.pk, *(child if isinstance(child, int) else child.pk for child in children)]
        return queryset.filter(category_id__in=ids)

    def only_if_ticked(self, queryset, name, value):
        return queryset.filter(free_shipping=True) if value else queryset

    def ready_to_ship(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(availability=Availability.IN_STOCK, stock__gt=0) | Q(availability=Availability.NOT_TRACKED)
        )

    def digital_only(self, queryset, name, value):
        return queryset.filter(is_digital=True) if value else queryset

    def from_reliable_shops(self, queryset, name, value):
        """«Надежный продавец» (seed 001): the label is given to the shop's products."""
        return queryset.filter(shop__is_reliable=True) if value else queryset

    def with_label(self, queryset, name, value):
        return queryset.filter(LABEL_FILTERS[value]) if value else queryset

    def sort_by(self, queryset, name, value):
        fields = SORTS.get(value, SORTS["new"])
        if self.form.cleaned_data.get("q"):
            # Searching: sort the matches themselves. Ordered by a bare column, PostgreSQL would walk
            # that column's index over the whole catalog hoping to meet matches early (1.4 s at a
            # million products for a common word); an expression makes it sort only the matches.
            return queryset.order_by(*(_sorted_matches(field) for field in fields))
        return queryset.order_by(*fields)


def _sorted_matches(field: str):
    column = field.removeprefix("-")
    expression = Coalesce(F(column), F(column))
    return expression.desc() if field.startswith("-") else expression.asc()
