"""Staff pages of flash sales: the list, a new sale, and one sale with its live counter and orders."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.models import Item
from erp.web import ServiceFormView, StaffPageMixin, TempoListView
from orders.filters import FlashSaleFilter, FlashSaleOrderFilter
from orders.forms import FlashSaleForm
from orders.models import FlashSale, FlashSaleOrderStatus
from orders.selectors.flash import (
    flash_sale_get_or_404,
    flash_sale_list,
    flash_sale_live,
    flash_sale_order_get,
    flash_sale_order_list,
    flash_sale_order_pay_by,
    flash_sale_phase,
)
from orders.services.flash import flash_sale_create, flash_sale_end, flash_sale_order_cancel, flash_sale_order_pay

VIEW_SALE = "orders.view_flashsale"
ORDER_COLUMNS = [
    SheetColumn("number", 24),
    SheetColumn("customer_ref", 20),
    SheetColumn("status", 10),
    SheetColumn("created_at", 20),
    SheetColumn("paid_at", 20),
    SheetColumn("cancelled_at", 20),
    SheetColumn("consumer_order", 16),
]


class FlashSaleListView(TempoListView):
    permission_required = VIEW_SALE
    filterset_class = FlashSaleFilter
    template_name = "orders/flash_sale_list.html"
    sortable = ("code", "name", "quantity", "starts_at", "ends_at")
    default_sort = "-starts_at"
    queryset = flash_sale_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for sale in context["object_list"]:
            sale.phase = flash_sale_phase(sale, remaining=sale.remaining_units)
        context["can_add"] = self.request.user.has_perm("orders.add_flashsale")
        return context


class FlashSaleCreateView(ServiceFormView):
    permission_required = (VIEW_SALE, "orders.add_flashsale")
    form_class = FlashSaleForm
    title = _("New flash sale")
    success_message = _("%(object)s is scheduled.")
    cancel_url = reverse_lazy("flash-sale-list")

    def perform(self, form):
        data = dict(form.cleaned_data)
        sku = data.pop("sku").strip().upper()
        item = Item.objects.filter(sku=sku).first()
        if item is None:
            raise ApplicationError(f"No item has the SKU '{sku}'.", {"fields": {"sku": [f"Unknown SKU '{sku}'."]}})
        return flash_sale_create(acting_user=self.request.user, item=item, **data)


class FlashSaleDetailView(StaffPageMixin, TemplateView):
    """One sale: facts, the live counter (refreshed every 2 s by htmx while it runs), its orders."""

    permission_required = VIEW_SALE
    template_name = "orders/flash_sale_detail.html"

    def get(self, request, *args, **kwargs):
        self.sale = flash_sale_get_or_404(kwargs["code"])
        if request.GET.get("format") == "xlsx":
            return self._export()
        return super().get(request, *args, **kwargs)

    def _orders(self):
        return FlashSaleOrderFilter(self.request.GET, queryset=flash_sale_order_list(self.sale))

    def _export(self):
        rows = (
            [
                order.number,
                order.customer_ref,
                order.status,
                order.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                order.paid_at.strftime("%Y-%m-%d %H:%M:%S") if order.paid_at else "",
                order.cancelled_at.strftime("%Y-%m-%d %H:%M:%S") if order.cancelled_at else "",
                order.consumer_order.number if order.consumer_order else "",
            ]
            for order in self._orders().qs.order_by("number")
        )
        return sheet_response(f"tempo-{self.sale.code.lower()}-orders", "Orders", ORDER_COLUMNS, rows)

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("part") == "live":
            return ["orders/partials/flash_live.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["sale"] = self.sale
        context["live"] = flash_sale_live(self.sale)
        if self.request.GET.get("part") == "live":
            return context
        orders = self._orders()
        page = Paginator(orders.qs.order_by("-created_at", "-number"), 50).get_page(self.request.GET.get("page"))
        shown = list(page.object_list)
        for order in shown:
            order.pay_by = flash_sale_order_pay_by(order) if order.status == FlashSaleOrderStatus.ACCEPTED else None
        context.update(
            filter=orders,
            page_obj=page,
            orders=shown,
            trail=audit_trail(self.sale),
            can_end=user.has_perm("orders.change_flashsale") and context["live"].phase in ("scheduled", "live"),
            can_pay=user.has_perm("orders.pay_flashsaleorder"),
            can_cancel=user.has_perm("orders.cancel_flashsaleorder"),
        )
        return context


class _SaleActionView(StaffPageMixin, View):
    http_method_names = ["post"]

    def act(self, sale: FlashSale) -> str:
        raise NotImplementedError

    def post(self, request, code, **kwargs):
        sale = flash_sale_get_or_404(code)
        try:
            done = self.act(sale)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect(sale.get_absolute_url())


class FlashSaleEndView(_SaleActionView):
    permission_required = (VIEW_SALE, "orders.change_flashsale")

    def act(self, sale):
        flash_sale_end(acting_user=self.request.user, sale=sale)
        return _("%(code)s has ended: no more orders are taken.") % {"code": sale.code}


class _OrderActionView(_SaleActionView):
    def order(self, sale):
        order = flash_sale_order_get(sale, self.kwargs["number"])
        if order is None:
            raise Http404("No such order in this sale.")
        return order


class FlashSaleOrderPayView(_OrderActionView):
    permission_required = (VIEW_SALE, "orders.pay_flashsaleorder")

    def act(self, sale):
        order = flash_sale_order_pay(acting_user=self.request.user, order=self.order(sale))
        return _("%(number)s is paid: consumer order %(consumer)s waits for dispatch.") % {
            "number": order.number,
            "consumer": order.consumer_order.number,
        }


class FlashSaleOrderCancelView(_OrderActionView):
    permission_required = (VIEW_SALE, "orders.cancel_flashsaleorder")

    def act(self, sale):
        order = flash_sale_order_cancel(acting_user=self.request.user, order=self.order(sale))
        return _("%(number)s is cancelled: its unit is back on sale.") % {"number": order.number}
