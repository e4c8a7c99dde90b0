"""Staff pages of MRP: shortages, planned orders (turned into draft purchase orders), one part's weeks."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.web import StaffPageMixin
from erp.weeks import IsoWeek
from logistics.selectors.mrp import (
    mrp_latest_run,
    mrp_part_get,
    mrp_pending_run,
    mrp_planned_orders,
    mrp_shortages,
)
from logistics.services.mrp import mrp_planned_orders_to_purchase_orders, mrp_run_request

VIEW_MRP = "logistics.view_mrprun"


class MrpContextMixin(StaffPageMixin):
    permission_required = VIEW_MRP

    def mrp_context(self) -> dict:
        run = mrp_latest_run()
        return {"run": run, "pending": mrp_pending_run()}


class MrpShortageView(MrpContextMixin, TemplateView):
    template_name = "logistics/mrp_shortages.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs, **self.mrp_context())
        context["shortages"] = list(mrp_shortages(run=context["run"])) if context["run"] else []
        return context


class MrpSuggestionView(MrpContextMixin, TemplateView):
    template_name = "logistics/mrp_suggestions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs, **self.mrp_context())
        context["planned_orders"] = list(mrp_planned_orders(run=context["run"])) if context["run"] else []
        return context


class MrpPartView(MrpContextMixin, TemplateView):
    template_name = "logistics/mrp_part.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs, **self.mrp_context())
        run = context["run"]
        part = mrp_part_get(run=run, sku=self.kwargs["sku"]) if run else None
        if part is None:
            raise Http404("This part is not in the latest MRP run.")
        weeks = [IsoWeek.of(run.from_week + timedelta(weeks=t)).key for t in range(run.weeks)]
        context.update(
            part=part,
            rows=[
                (_("Gross requirement"), part.gross),
                (_("Scheduled receipts"), part.scheduled),
                (_("Planned receipts"), part.planned),
                (_("Projected available"), part.projected),
            ],
            weeks=weeks,
            planned_orders=list(part.planned_orders.order_by("need_week")),
        )
        return context


class MrpRunRequestView(StaffPageMixin, View):
    permission_required = "logistics.add_mrprun"

    def post(self, request):
        run = mrp_run_request(acting_user=request.user, reason="requested on the MRP page")
        messages.success(
            request, _("MRP run %(id)s is %(status)s.") % {"id": run.pk, "status": run.get_status_display()}
        )
        return redirect("mrp-shortages")


class MrpOrderView(StaffPageMixin, View):
    """The suggestions page posts the chosen planned orders here; one draft order per supplier."""

    permission_required = (VIEW_MRP, "procurement.add_purchaseorder")

    def post(self, request):
        ids = [int(value) for value in request.POST.getlist("planned_order") if value.isdigit()]
        if not ids:
            messages.error(request, _("Choose at least one planned order."))
            return redirect("mrp-suggestions")
        try:
            orders = mrp_planned_orders_to_purchase_orders(acting_user=request.user, planned_order_ids=ids)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("mrp-suggestions")
        numbers = ", ".join(order.number for order in orders)
        messages.success(request, _("Draft purchase orders created: %(numbers)s.") % {"numbers": numbers})
        return redirect("purchase-order-list")
