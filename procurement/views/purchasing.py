"""Staff pages of purchasing: purchase orders and their actions, supplier scorecards and the ranking."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from erp import selectors as erp_selectors
from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from procurement import selectors, services
from procurement.filters import PurchaseOrderFilter
from procurement.forms import (
    CancelForm,
    ConfirmForm,
    PurchaseOrderForm,
    PurchaseOrderLineForm,
    ReceiveForm,
    RemoveLineForm,
    ScorecardForm,
    SendForm,
)
from procurement.models import PurchaseOrder, PurchaseOrderStatus, Supplier
from procurement.selectors.scorecard import DEFAULT_WINDOW_DAYS
from procurement.services.purchasing import CANCELLABLE, RECEIVABLE

Status = PurchaseOrderStatus


class PurchaseOrderListView(TempoListView):
    permission_required = "procurement.view_purchaseorder"
    filterset_class = PurchaseOrderFilter
    template_name = "procurement/purchase_order_list.html"
    sortable = ("number", "supplier__code", "status", "order_date", "line_count", "total", "updated_at")
    default_sort = "-order_date"
    queryset = PurchaseOrder.objects.select_related("supplier").annotate(
        line_count=Count("lines"),
        total=Sum(
            ExpressionWrapper(
                F("lines__quantity") * F("lines__unit_price"),
                output_field=DecimalField(max_digits=24, decimal_places=6),
            )
        ),
    )

    def get_queryset(self):
        return super().get_queryset().order_by(self.current_sort(), "-number")


class PurchaseOrderCreateView(ServiceFormView):
    permission_required = "procurement.add_purchaseorder"
    form_class = PurchaseOrderForm
    cancel_url = reverse_lazy("purchase-order-list")
    title = _("New purchase order")
    success_message = _("Purchase order %(object)s created as a draft; add its lines.")

    def get_initial(self):
        return {"supplier": self.request.GET.get("supplier", "")}

    def perform(self, form):
        return services.purchase_order_create(acting_user=self.request.user, **form.cleaned_data)


class PurchaseOrderDetailView(StaffPageMixin, DetailView):
    """An order: facts, lines, receipts, history, and the forms for what the user may do next."""

    permission_required = "procurement.view_purchaseorder"
    slug_field = "number"
    slug_url_kwarg = "number"
    template_name = "procurement/purchase_order_detail.html"
    queryset = selectors.purchase_order_list()
    bound_forms: dict | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order, user = self.object, self.request.user
        bound = self.bound_forms or {}
        context["lines"] = order.lines.all()
        context["total"] = sum((line.amount for line in order.lines.all()), start=0)
        context["receipts"] = selectors.purchase_order_receipts(order=order)
        context["trail"] = audit_trail(order)
        if order.status == Status.DRAFT and user.has_perm("procurement.change_purchaseorder"):
            context["line_form"] = bound.get("line_form") or PurchaseOrderLineForm()
            context["can_edit_lines"] = True
        if order.status == Status.DRAFT and user.has_perm("procurement.send_purchaseorder"):
            context["send_form"] = bound.get("send_form") or SendForm()
        if order.status == Status.SENT and user.has_perm("procurement.confirm_purchaseorder"):
            context["confirm_form"] = bound.get("confirm_form") or ConfirmForm(order=order)
        if order.status in RECEIVABLE and user.has_perm("procurement.receive_purchaseorder"):
            context["receive_form"] = bound.get("receive_form") or ReceiveForm(order=order)
        if order.status in CANCELLABLE and user.has_perm("procurement.cancel_purchaseorder"):
            context["cancel_form"] = bound.get("cancel_form") or CancelForm()
        context["action_error"] = bound.get("error")
        return context


class _OrderActionView(PurchaseOrderDetailView):
    """A form on the order page posts here; a refusal shows on the page again, nothing written."""

    http_method_names = ["post"]
    form_name = ""
    done = ""

    def make_form(self, data):
        raise NotImplementedError

    def perform(self, form) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.perform(form)
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, self.done % {"number": self.object.number})
                return redirect(self.object.get_absolute_url())
        self.bound_forms = {self.form_name: form}
        response = self.render_to_response(self.get_context_data(object=self.object))
        response.status_code = 400
        return response


class PurchaseOrderLineAddView(_OrderActionView):
    permission_required = ("procurement.view_purchaseorder", "procurement.change_purchaseorder")
    form_name = "line_form"
    done = _("Line added to %(number)s.")

    def make_form(self, data):
        return PurchaseOrderLineForm(data)

    def perform(self, form):
        data = dict(form.cleaned_data)
        item = erp_selectors.item_get(sku=data.pop("sku"))
        services.purchase_order_line_add(acting_user=self.request.user, order=self.object, item=item, **data)


class PurchaseOrderLineRemoveView(_OrderActionView):
    permission_required = ("procurement.view_purchaseorder", "procurement.change_purchaseorder")
    form_name = "line_form"
    done = _("Line removed from %(number)s.")

    def make_form(self, data):
        return RemoveLineForm(data)

    def perform(self, form):
        services.purchase_order_line_remove(
            acting_user=self.request.user, order=self.object, line=form.cleaned_data["line"]
        )


class PurchaseOrderSendView(_OrderActionView):
    permission_required = ("procurement.view_purchaseorder", "procurement.send_purchaseorder")
    form_name = "send_form"
    done = _("%(number)s is sent.")

    def make_form(self, data):
        return SendForm(data)

    def perform(self, form):
        services.purchase_order_send(acting_user=self.request.user, order=self.object)


class PurchaseOrderConfirmView(_OrderActionView):
    permission_required = ("procurement.view_purchaseorder", "procurement.confirm_purchaseorder")
    form_name = "confirm_form"
    done = _("%(number)s is confirmed.")

    def make_form(self, data):
        return ConfirmForm(data, order=self.object)

    def perform(self, form):
        services.purchase_order_confirm(
            acting_user=self.request.user, order=self.object, promised_dates=form.promised_dates()
        )


class PurchaseOrderReceiveView(_OrderActionView):
    permission_required = ("procurement.view_purchaseorder", "procurement.receive_purchaseorder")
    form_name = "receive_form"
    done = _("Receipt recorded on %(number)s.")

    def make_form(self, data):
        return ReceiveForm(data, order=self.object)

    def perform(self, form):
        on = form.cleaned_data["received_on"]
        entries = [
            services.ReceiptInput(line=n, received=r, accepted=a, rejected=j, received_on=on)
            for n, r, a, j in form.entries()
        ]
        services.purchase_order_receive(
            acting_user=self.request.user, order=self.object, receipts=entries, note=form.cleaned_data["note"]
        )


class PurchaseOrderCancelView(_OrderActionView):
    permission_required = ("procurement.view_purchaseorder", "procurement.cancel_purchaseorder")
    form_name = "cancel_form"
    done = _("%(number)s is cancelled.")

    def make_form(self, data):
        return CancelForm(data)

    def perform(self, form):
        services.purchase_order_cancel(acting_user=self.request.user, order=self.object, **form.cleaned_data)


# --- scorecards -----------------------------------------------------------------------------

SCORECARD_PERMISSIONS = ("procurement.view_supplier", "procurement.view_purchaseorder")


def _window(request) -> tuple[ScorecardForm, dict]:
    form = ScorecardForm(request.GET or None)
    values = {"on": None, "window_days": DEFAULT_WINDOW_DAYS, "q": ""}
    if form.is_bound and form.is_valid():
        values["on"] = form.cleaned_data["date"]
        values["window_days"] = form.cleaned_data["window"] or DEFAULT_WINDOW_DAYS
        values["q"] = form.cleaned_data["q"].strip().upper()
    return form, values


class SupplierScorecardView(StaffPageMixin, TemplateView):
    permission_required = SCORECARD_PERMISSIONS
    template_name = "procurement/supplier_scorecard.html"

    @cached_property
    def supplier(self) -> Supplier:
        return get_object_or_404(selectors.supplier_list(), code=self.kwargs["code"].upper())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, values = _window(self.request)
        context.update(
            supplier=self.supplier,
            form=form,
            card=selectors.supplier_scorecard(
                supplier=self.supplier, on=values["on"], window_days=values["window_days"]
            ),
        )
        return context


RANKING_COLUMNS = [
    SheetColumn("supplier", 14),
    SheetColumn("name", 32),
    SheetColumn("status", 10),
    SheetColumn("score", 9, "0.0%"),
    SheetColumn("on_time", 9, "0.0%"),
    SheetColumn("quality", 9, "0.0%"),
    SheetColumn("price_index", 11, "0.0000"),
    SheetColumn("receipts", 9, "0"),
    SheetColumn("missing", 28),
]


class SupplierRankingView(StaffPageMixin, TemplateView):
    """Every supplier's score over the window, best first; sortable by each part, 50 a page."""

    permission_required = SCORECARD_PERMISSIONS
    template_name = "procurement/supplier_ranking.html"
    paginate_by = 50
    sortable = ("score", "on_time_rate", "quality_rate", "price_index", "receipt_count", "code")

    def ranked_cards(self):
        form, values = _window(self.request)
        cards = selectors.supplier_ranking(on=values["on"], window_days=values["window_days"])
        if values["q"]:
            q = values["q"]
            cards = [c for c in cards if q in c.supplier.code or q in c.supplier.name.upper()]
        sort = self.request.GET.get("sort", "")
        if sort.removeprefix("-") in self.sortable:
            name = sort.removeprefix("-")

            def key(card):
                value = card.supplier.code if name == "code" else getattr(card, name)
                return (value is None, value if value is not None else 0)

            present = sorted((c for c in cards if key(c)[0] is False), key=key, reverse=sort.startswith("-"))
            cards = present + [c for c in cards if key(c)[0] is True]
        return form, sort, cards

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            _form, _sort, cards = self.ranked_cards()
            end = cards[0].end.isoformat() if cards else "empty"
            rows = (
                [
                    c.supplier.code,
                    c.supplier.name,
                    c.supplier.status,
                    c.score,
                    c.on_time_rate,
                    c.quality_rate,
                    c.price_index,
                    c.receipt_count,
                    ", ".join(c.missing),
                ]
                for c in cards
            )
            return sheet_response(f"tempo-supplier-scorecards-{end}", "Supplier scorecards", RANKING_COLUMNS, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, sort, cards = self.ranked_cards()
        page = Paginator(cards, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            page_obj=page,
            paginator=page.paginator,
            object_list=page.object_list,
            current_sort=sort,
            start=cards[0].start if cards else None,
            end=cards[0].end if cards else None,
            warnings=cards[0].warnings if cards else [],
        )
        return context
