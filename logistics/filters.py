"""django-filter ``FilterSet``s shared by the logistics pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from logistics.models import Location, LocationKind, Shipment, StockCount, StockLevel, StockMove, StockMoveReason


class LocationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=LocationKind.choices, label=_("Kind"))
    region = django_filters.CharFilter(lookup_expr="iexact", label=_("Region"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Location
        fields = ["q", "kind", "region", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class StockLevelFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    item_kind = django_filters.CharFilter(field_name="item__kind", lookup_expr="iexact", label=_("Item kind"))
    location = django_filters.CharFilter(field_name="location__code", lookup_expr="iexact", label=_("Location"))
    kind = django_filters.ChoiceFilter(field_name="location__kind", choices=LocationKind.choices, label=_("Kind"))
    region = django_filters.CharFilter(field_name="location__region", lookup_expr="iexact", label=_("Region"))
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=_("In stock"))

    class Meta:
        model = StockLevel
        fields = ["sku", "item_kind", "location", "kind", "region", "in_stock"]

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(on_hand__gt=0) if value else queryset.filter(on_hand=0)


class StockMoveFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    location = django_filters.CharFilter(method="filter_location", label=_("Location"))
    reason = django_filters.ChoiceFilter(choices=StockMoveReason.choices, label=_("Reason"))
    reference = django_filters.CharFilter(lookup_expr="icontains", label=_("Reference"))
    moved_from = django_filters.DateFilter(field_name="moved_at", lookup_expr="date__gte", label=_("Moved from"))
    moved_to = django_filters.DateFilter(field_name="moved_at", lookup_expr="date__lte", label=_("Moved to"))

    class Meta:
        model = StockMove
        fields = ["sku", "location", "reason", "reference", "moved_from", "moved_to"]

    def filter_location(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(Q(from_location__code=code) | Q(to_location__code=code))


class StockCountFilter(django_filters.FilterSet):
    location = django_filters.CharFilter(field_name="location__code", lookup_expr="iexact", label=_("Location"))
    status = django_filters.ChoiceFilter(choices=StockCount.Status.choices, label=_("Status"))

    class Meta:
        model = StockCount
        fields = ["location", "status"]


class ShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Shipment.Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Shipment.Kind.choices, label=_("Kind"))
    carrier = django_filters.CharFilter(lookup_expr="iexact", label=_("Carrier"))
    from_location = django_filters.CharFilter(field_name="from_location__code", lookup_expr="iexact", label=_("From"))
    to_location = django_filters.CharFilter(field_name="to_location__code", lookup_expr="iexact", label=_("To"))
    reference = django_filters.CharFilter(lookup_expr="iexact", label=_("Reference"))
    sku = django_filters.CharFilter(field_name="lines__item__sku", lookup_expr="iexact", distinct=True, label=_("SKU"))

    class Meta:
        model = Shipment
        fields = ["q", "status", "kind", "carrier", "from_location", "to_location", "reference", "sku"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(tracking_number__icontains=value)
            | Q(reference__icontains=value)
            | Q(consignee__icontains=value)
        )
