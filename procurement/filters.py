import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.models import (
    BomLine,
    ComponentProfile,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Supplier,
    SupplierOffer,
)


class SupplierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Supplier.Status.choices, label=_("Status"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country"))
    currency = django_filters.CharFilter(field_name="currency__code", lookup_expr="iexact", label=_("Currency"))

    class Meta:
        model = Supplier
        fields = ["q", "status", "country", "currency"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class ComponentProfileFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=ComponentProfile.Category.choices, label=_("Category"))
    customised = django_filters.BooleanFilter(label=_("Customised"))

    class Meta:
        model = ComponentProfile
        fields = ["category", "customised"]


class SupplierOfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    supplier = django_filters.CharFilter(field_name="supplier__code", lookup_expr="iexact", label=_("Supplier"))
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    currency = django_filters.CharFilter(field_name="currency__code", lookup_expr="iexact", label=_("Currency"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on"))

    class Meta:
        model = SupplierOffer
        fields = ["q", "supplier", "sku", "currency", "valid_on"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(item__sku__icontains=value)
            | Q(item__name__icontains=value)
            | Q(supplier__code__icontains=value)
            | Q(supplier__name__icontains=value)
        )

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value)


class BomLineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    parent = django_filters.CharFilter(field_name="parent__sku", lookup_expr="iexact", label=_("Parent SKU"))
    child = django_filters.CharFilter(field_name="child__sku", lookup_expr="iexact", label=_("Component SKU"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on"))

    class Meta:
        model = BomLine
        fields = ["q", "parent", "child", "valid_on"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(parent__sku__icontains=value) | Q(child__sku__icontains=value) | Q(child__name__icontains=value)
        )

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value)


class PurchaseOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=PurchaseOrderStatus.choices, label=_("Status"))
    supplier = django_filters.CharFilter(field_name="supplier__code", lookup_expr="iexact", label=_("Supplier"))
    ordered_after = django_filters.DateFilter(field_name="order_date", lookup_expr="gte", label=_("Ordered from"))
    ordered_before = django_filters.DateFilter(field_name="order_date", lookup_expr="lte", label=_("Ordered to"))

    class Meta:
        model = PurchaseOrder
        fields = ["q", "status", "supplier", "ordered_after", "ordered_before"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value) | Q(supplier__code__icontains=value) | Q(supplier__name__icontains=value)
        )


class PurchaseOrderLineFilter(django_filters.FilterSet):
    """The purchase-order list's filters, applied to the lines of the orders (for the Excel export)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(
        field_name="order__status", choices=PurchaseOrderStatus.choices, label=_("Status")
    )
    supplier = django_filters.CharFilter(field_name="order__supplier__code", lookup_expr="iexact", label=_("Supplier"))
    ordered_after = django_filters.DateFilter(
        field_name="order__order_date", lookup_expr="gte", label=_("Ordered from")
    )
    ordered_before = django_filters.DateFilter(field_name="order__order_date", lookup_expr="lte", label=_("Ordered to"))

    class Meta:
        model = PurchaseOrderLine
        fields = ["q", "status", "supplier", "ordered_after", "ordered_before"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(order__number__icontains=value)
            | Q(order__supplier__code__icontains=value)
            | Q(order__supplier__name__icontains=value)
        )
