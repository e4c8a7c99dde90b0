import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retail.models import Retailer, RetailerStatus, RetailerTier


def _regions() -> list[tuple[str, str]]:
    return [
        (region, region) for region in Retailer.objects.order_by("region").values_list("region", flat=True).distinct()
    ]


class RetailerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    region = django_filters.ChoiceFilter(choices=_regions, label=_("Region"))
    tier = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in RetailerTier.choices], label=_("Tier")
    )
    status = django_filters.ChoiceFilter(choices=RetailerStatus.choices, label=_("Status"))

    class Meta:
        model = Retailer
        fields = ["q", "region", "tier", "status"]

    def filter_q(self, queryset, name, value):
        for term in value.split()[:10]:
            queryset = queryset.filter(
                Q(code__icontains=term)
                | Q(legal_name__icontains=term)
                | Q(contact_name__icontains=term)
                | Q(contact_email__icontains=term)
            )
        return queryset
