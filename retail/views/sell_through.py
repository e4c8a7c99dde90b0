"""Staff pages of store sell-through: the list (valued at the list price in force on each day) and the
entry page where store ops report one store's day, line by line."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from erp.web import ServiceFormView, TempoListView
from retail import services
from retail.filters import SellThroughFilter
from retail.forms.stores import SellThroughEntryForm
from retail.models import SellThroughSource
from retail.selectors import ALL_STORES, sell_through_list
from retail.selectors.stores import products_by_sku

VIEW_SELL_THROUGH = "retail.view_storesellthrough"


class SellThroughListView(TempoListView):
    permission_required = VIEW_SELL_THROUGH
    filterset_class = SellThroughFilter
    template_name = "retail/sell_through_list.html"
    sortable = ("date", "location__code", "item__sku", "quantity", "value", "source", "reported_at")
    default_sort = "-date"

    def get_queryset(self):
        self.queryset = sell_through_list()
        return super().get_queryset()


class SellThroughEntryView(ServiceFormView):
    permission_required = (VIEW_SELL_THROUGH, "retail.add_storesellthrough")
    form_class = SellThroughEntryForm
    cancel_url = reverse_lazy("sell-through-list")
    title = _("Report sell-through")

    def get_initial(self):
        return {"store": self.request.GET.get("store", "")[:32]}

    def perform(self, form):
        data = form.cleaned_data
        lines = data["lines"]
        items = products_by_sku([sku for sku, _units in lines], label="Line", field="lines")
        code = data["store"].strip().upper()
        result = services.store_sell_through_record(
            acting_user=self.request.user,
            scope=ALL_STORES,
            source=SellThroughSource.STAFF,
            rows=[
                services.SellThroughInput(code, items[sku], data["date"], units, row=number)
                for number, (sku, units) in enumerate(lines, start=1)
            ],
        )
        message = _("%(store)s, %(day)s: %(created)s new and %(updated)s changed figures.") % {
            "store": code,
            "day": data["date"].isoformat(),
            "created": result.created,
            "updated": result.updated,
        }
        if result.units_issued or result.units_returned:
            message += " " + _("%(issued)s units left the store's stock, %(returned)s came back.") % {
                "issued": result.units_issued,
                "returned": result.units_returned,
            }
        messages.success(self.request, message)
        self.filters = {"store": code, "date_after": data["date"].isoformat(), "date_before": data["date"].isoformat()}
        return result

    def get_success_url_for(self, obj) -> str:
        return f"{reverse('sell-through-list')}?{urlencode(self.filters)}"
