"""Staff pages of consumer orders: the list (filters, xlsx export) and an order with pay / cancel."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView

from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import StaffPageMixin, TempoListView
from erp.weeks import IsoWeek, business_date
from orders import selectors, services
from orders.filters import ConsumerOrderFilter
from orders.models import ConsumerOrder, ConsumerOrderStatus

EXPORT_COLUMNS = [
    SheetColumn("number", 16),
    SheetColumn("channel", 10),
    SheetColumn("customer_ref", 20),
    SheetColumn("requested_week", 12),
    SheetColumn("region", 12),
    SheetColumn("status", 10),
    SheetColumn("sku", 16),
    SheetColumn("quantity", 10, "0"),
    SheetColumn("dispatched", 10, "0"),
    SheetColumn("created_at", 18),
]


class ConsumerOrderListView(TempoListView):
    permission_required = "orders.view_consumerorder"
    filterset_class = ConsumerOrderFilter
    template_name = "orders/consumer_order_list.html"
    sortable = ("number", "channel", "requested_week", "region", "status", "created_at")
    default_sort = "-created_at"
    queryset = selectors.consumer_order_list()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                rows = (
                    [
                        order.number,
                        order.channel,
                        order.customer_ref,
                        IsoWeek.of(order.requested_week).key,
                        order.region,
                        order.status,
                        line.item.sku,
                        line.quantity,
                        line.dispatched_quantity,
                        order.created_at.strftime("%Y-%m-%d %H:%M"),
                    ]
                    for order in filterset.qs
                    for line in order.lines.all()
                )
                return sheet_response(
                    f"tempo-consumer-orders-{business_date().isoformat()}", "Consumer orders", EXPORT_COLUMNS, rows
                )
        return super().get(request, *args, **kwargs)


class ConsumerOrderDetailView(StaffPageMixin, DetailView):
    permission_required = "orders.view_consumerorder"
    slug_field = "number"
    slug_url_kwarg = "number"
    template_name = "orders/consumer_order_detail.html"
    queryset = selectors.consumer_order_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order, user = self.object, self.request.user
        context["lines"] = order.lines.all()
        context["week"] = IsoWeek.of(order.requested_week)
        context["trail"] = audit_trail(order)
        context["dispatches"] = selectors.consumer_order_dispatches(order)
        context["can_pay"] = order.status == ConsumerOrderStatus.PENDING and user.has_perm("orders.pay_consumerorder")
        context["can_cancel"] = (
            order.status in (ConsumerOrderStatus.PENDING, ConsumerOrderStatus.PAID)
            and not any(line.dispatched_quantity for line in context["lines"])
            and user.has_perm("orders.cancel_consumerorder")
        )
        return context


class _ConsumerOrderActionView(StaffPageMixin, View):
    http_method_names = ["post"]
    done = ""

    def perform(self, order: ConsumerOrder) -> ConsumerOrder:
        raise NotImplementedError

    def post(self, request, number):
        order = get_object_or_404(ConsumerOrder, number=number)
        try:
            self.perform(order)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done % {"number": order.number})
        return redirect(order.get_absolute_url())


class ConsumerOrderPayView(_ConsumerOrderActionView):
    permission_required = ("orders.view_consumerorder", "orders.pay_consumerorder")
    done = _("%(number)s is paid.")

    def perform(self, order):
        return services.consumer_order_pay(acting_user=self.request.user, order=order)


class ConsumerOrderCancelView(_ConsumerOrderActionView):
    permission_required = ("orders.view_consumerorder", "orders.cancel_consumerorder")
    done = _("%(number)s is cancelled.")

    def perform(self, order):
        return services.consumer_order_cancel(acting_user=self.request.user, order=order)
