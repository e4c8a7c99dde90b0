import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.forms import IsoWeekField
from orders.models import ConsumerChannel, ConsumerOrder, ConsumerOrderStatus, DemandSignal, SalesActual, SignalSource


class IsoWeekFilter(django_filters.Filter):
    """``?week=2026-W48``: the rows of that ISO week (stored as its Monday)."""

    field_class = IsoWeekField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value.monday})


class ConsumerOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ConsumerOrderStatus.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=ConsumerChannel.choices, label=_("Channel"))
    week = IsoWeekFilter(field_name="requested_week", label=_("Requested week"))
    sku = django_filters.CharFilter(method="filter_sku", label=_("SKU"))

    class Meta:
        model = ConsumerOrder
        fields = ["q", "status", "channel", "week", "sku"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(customer_ref__icontains=value))

    def filter_sku(self, queryset, name, value):
        return queryset.filter(lines__item__sku=value.strip().upper()).distinct()


class DemandSignalFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    source = django_filters.ChoiceFilter(choices=SignalSource.choices, label=_("Source"))

    class Meta:
        model = DemandSignal
        fields = ["sku", "week", "source"]


class SalesActualFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    channel = django_filters.CharFilter(lookup_expr="iexact", label=_("Channel"))

    class Meta:
        model = SalesActual
        fields = ["sku", "week", "channel"]
