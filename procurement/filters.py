import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.models import ComponentProfile, Supplier


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
