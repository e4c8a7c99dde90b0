import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.models import ApiToken, ApiTokenStatus, FxRate, Item, Price, TokenScope
from erp.selectors import api_token_status_q


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Item.Kind.choices, label=_("Kind"))
    lifecycle_status = django_filters.ChoiceFilter(choices=Item.Lifecycle.choices, label=_("Lifecycle"))
    family = django_filters.CharFilter(lookup_expr="iexact", label=_("Family"))

    class Meta:
        model = Item
        fields = ["q", "kind", "lifecycle_status", "family"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(sku__icontains=value) | Q(name__icontains=value))


class PriceFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    on = django_filters.DateFilter(method="filter_on", label=_("In force on"))
    valid_from_after = django_filters.DateFilter(field_name="valid_from", lookup_expr="gte")
    valid_from_before = django_filters.DateFilter(field_name="valid_from", lookup_expr="lte")

    class Meta:
        model = Price
        fields = ["sku", "on", "valid_from_after", "valid_from_before"]

    def filter_on(self, queryset, name, value):
        return queryset.filter(valid_from__lte=value).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=value))


class FxRateFilter(django_filters.FilterSet):
    currency = django_filters.CharFilter(field_name="currency__code", lookup_expr="iexact", label=_("Currency"))
    date = django_filters.DateFilter(label=_("Date"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = FxRate
        fields = ["currency", "date", "date_after", "date_before"]


class ApiTokenFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    scope = django_filters.ChoiceFilter(choices=TokenScope.choices, label=_("Scope"))
    status = django_filters.ChoiceFilter(choices=ApiTokenStatus.choices, method="filter_status", label=_("Status"))
    user = django_filters.CharFilter(field_name="user__username", lookup_expr="iexact", label=_("User"))

    class Meta:
        model = ApiToken
        fields = ["q", "scope", "status", "user"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(label__icontains=value) | Q(user__username__icontains=value) | Q(token_key__istartswith=value.strip())
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(api_token_status_q(value, now=timezone.now()))
