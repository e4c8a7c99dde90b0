"""The catalogue: products a retailer can order, at its price in force today."""

from django.views.generic import ListView

from erp.weeks import business_date
from retail.selectors.portal import portal_catalog, portal_families
from retail.views.portal_base import RetailerPageMixin


class CatalogView(RetailerPageMixin, ListView):
    template_name = "portal/catalog.html"
    paginate_by = 50
    context_object_name = "prices"

    def get_queryset(self):
        self.family = self.request.GET.get("family", "").strip()[:100]
        self.search = self.request.GET.get("q", "").strip()[:100]
        return portal_catalog(on=business_date(), family=self.family, search=self.search)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(families=portal_families(), family=self.family, q=self.search, today=business_date())
        return context
