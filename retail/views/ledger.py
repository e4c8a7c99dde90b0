"""Staff pages of the prepayment ledger (finance) and of retailer orders (sales).

Prepayments: the accounts list, one retailer's statement for a period (xlsx too), forms to record a
deposit, a refund or an adjustment, and the list of every entry. Retailer orders: the list, one
order with its lines, money and history and the confirm / cancel / ship / deliver buttons, and a
form to enter an order on a retailer's behalf. Every write goes through ``retail.services``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.models import Item
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import BUSINESS_TZ, IsoWeek, business_date
from retail import services
from retail.exports import MONEY_FORMAT, statement_sheet_response
from retail.filters.ledger import IsoWeekFormField, PrepaymentAccountFilter, PrepaymentEntryFilter, RetailerOrderFilter
from retail.models import Retailer, RetailerOrder, RetailerOrderStatus, from_cents
from retail.selectors import prepayment_statement, retailer_order_shipments, statement_default_period
from retail.selectors.ledger import (
    prepayment_account_list,
    prepayment_entries_visible_to,
    retailer_order_allocation_lines,
    retailer_order_detail_lines,
    retailer_order_entries,
    retailer_order_list,
)

VIEW_ACCOUNT = "retail.view_prepaymentaccount"
VIEW_ENTRY = "retail.view_prepaymententry"
RECORD_DEPOSIT = "retail.record_deposit"
VIEW_ORDER = "retail.view_retailerorder"
ADD_ORDER = "retail.add_retailerorder"
CONFIRM_ORDER = "retail.confirm_retailerorder"
CANCEL_ORDER = "retail.cancel_retailerorder"
SHIP_ORDER = "retail.ship_retailerorder"
MAX_STATEMENT_DAYS = 3660


def _stamp(moment) -> str:
    return timezone.localtime(moment, BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")


# --- prepayment accounts ---------------------------------------------------------------------

ACCOUNT_COLUMNS = [
    SheetColumn("retailer", 14),
    SheetColumn("legal_name", 36),
    SheetColumn("tier", 6, "0"),
    SheetColumn("region", 12),
    SheetColumn("balance", 16, MONEY_FORMAT),
    SheetColumn("held", 16, MONEY_FORMAT),
    SheetColumn("available", 16, MONEY_FORMAT),
    SheetColumn("updated_at", 18),
]


class PrepaymentAccountListView(TempoListView):
    permission_required = VIEW_ACCOUNT
    filterset_class = PrepaymentAccountFilter
    template_name = "retail/prepayment_account_list.html"
    sortable = ("retailer__code", "retailer__tier", "retailer__region", "balance_cents", "held_cents")
    sortable += ("available_cents",)
    default_sort = "retailer__code"

    def get_queryset(self):
        self.queryset = prepayment_account_list()
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                rows = (
                    [
                        account.retailer.code,
                        account.retailer.legal_name,
                        account.retailer.tier,
                        account.retailer.region,
                        account.balance,
                        account.held,
                        account.available,
                        _stamp(account.updated_at),
                    ]
                    for account in filterset.qs.iterator(chunk_size=2000)
                )
                stem = f"tempo-prepayment-accounts-{business_date().isoformat()}"
                return sheet_response(stem, "Prepayment accounts", ACCOUNT_COLUMNS, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_record"] = self.request.user.has_perm(RECORD_DEPOSIT)
        return context


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("The end date is before the start date."))
            if (end - start).days > MAX_STATEMENT_DAYS:
                raise ValidationError(_("A statement covers at most ten years."))
        return cleaned


class PrepaymentStatementView(StaffPageMixin, TemplateView):
    """``/retail/prepayments/<code>/?start=&end=``: the retailer's statement (default: month to date)."""

    permission_required = (VIEW_ACCOUNT, VIEW_ENTRY)
    template_name = "retail/prepayment_statement.html"

    def get(self, request, *args, **kwargs):
        self.retailer = get_object_or_404(Retailer, code=kwargs["code"])
        self.form = PeriodForm(request.GET or None)
        start, end = statement_default_period()
        if self.form.is_bound and self.form.is_valid():
            start = self.form.cleaned_data["start"] or start
            end = self.form.cleaned_data["end"] or max(end, start)
            if end < start:
                start = end
        self.statement = prepayment_statement(retailer=self.retailer, start=start, end=end)
        if not self.form.is_bound:
            self.form = PeriodForm(initial={"start": start, "end": end})
        if request.GET.get("format") == "xlsx" and not self.form.errors:
            return statement_sheet_response(self.statement)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.statement
        account = self.retailer.prepayment_account
        context.update(
            retailer=self.retailer,
            account=account,
            statement=statement,
            form=self.form,
            opening_available=statement.opening_balance - statement.opening_held,
            closing_available=statement.closing_balance - statement.closing_held,
            can_record=self.request.user.has_perm(RECORD_DEPOSIT),
            can_view_orders=self.request.user.has_perm(VIEW_ORDER),
            periods=statement_period_links(),
        )
        return context


class DepositForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2)
    reference = forms.CharField(
        label=_("Bank transfer reference"), max_length=100, help_text=_("Booked once per retailer.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RefundForm(DepositForm):
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Positive adds to the balance, negative takes from it."),
    )
    note = forms.CharField(label=_("Reason"), max_length=300)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class _PrepaymentEntryFormView(ServiceFormView):
    permission_required = (VIEW_ACCOUNT, RECORD_DEPOSIT)
    kind_title = ""
    done = ""

    def dispatch(self, request, *args, **kwargs):
        self.retailer = Retailer.objects.filter(code=kwargs.get("code")).first()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.retailer is None:
            raise Http404("No such retailer.")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.retailer is None:
            raise Http404("No such retailer.")
        return super().post(request, *args, **kwargs)

    @property
    def title(self):
        return f"{self.kind_title}: {self.retailer.code} {self.retailer.legal_name}"

    @property
    def cancel_url(self):
        return self.statement_url()

    def statement_url(self) -> str:
        from django.urls import reverse

        return reverse("prepayment-statement", args=[self.retailer.code])

    def perform(self, form):
        data = form.cleaned_data
        return self.service(
            acting_user=self.request.user,
            retailer=self.retailer,
            amount=data["amount"],
            reference=data["reference"],
            note=data["note"],
        )

    def form_valid(self, form):
        try:
            entry = self.perform(form)
        except ApplicationError as error:
            form_add_application_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done % {"amount": entry.amount, "code": self.retailer.code})
        return redirect(self.statement_url())


class PrepaymentDepositView(_PrepaymentEntryFormView):
    form_class = DepositForm
    kind_title = _("Record a deposit")
    done = _("Deposit of %(amount)s CNY booked for %(code)s.")
    service = staticmethod(services.prepayment_deposit_record)


class PrepaymentRefundView(_PrepaymentEntryFormView):
    form_class = RefundForm
    kind_title = _("Record a refund")
    done = _("Refund of %(amount)s CNY booked for %(code)s.")
    service = staticmethod(services.prepayment_refund_record)


class PrepaymentAdjustmentView(_PrepaymentEntryFormView):
    form_class = AdjustmentForm
    kind_title = _("Record an adjustment")
    done = _("Adjustment of %(amount)s CNY booked for %(code)s.")
    service = staticmethod(services.prepayment_adjustment_record)


# --- prepayment entries ---------------------------------------------------------------------

ENTRY_COLUMNS = [
    SheetColumn("created_at", 18),
    SheetColumn("retailer", 14),
    SheetColumn("kind", 12),
    SheetColumn("amount", 16, MONEY_FORMAT),
    SheetColumn("balance_after", 16, MONEY_FORMAT),
    SheetColumn("held_after", 16, MONEY_FORMAT),
    SheetColumn("reference", 24),
    SheetColumn("order", 16),
    SheetColumn("note", 36),
    SheetColumn("created_by", 16),
]


class PrepaymentEntryListView(TempoListView):
    permission_required = VIEW_ENTRY
    filterset_class = PrepaymentEntryFilter
    template_name = "retail/prepayment_entry_list.html"
    sortable = ("created_at", "account__retailer__code", "kind", "amount_cents")
    default_sort = "-created_at"

    def get_queryset(self):
        self.queryset = prepayment_entries_visible_to(self.request.user)
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                rows = (
                    [
                        _stamp(entry.created_at),
                        entry.account.retailer.code,
                        entry.kind,
                        entry.amount,
                        entry.balance_after,
                        entry.held_after,
                        entry.reference,
                        entry.order.number if entry.order_id else None,
                        entry.note,
                        entry.created_by.username if entry.created_by_id else None,
                    ]
                    for entry in filterset.qs.iterator(chunk_size=2000)
                )
                stem = f"tempo-prepayment-entries-{business_date().isoformat()}"
                return sheet_response(stem, "Prepayment entries", ENTRY_COLUMNS, rows)
        return super().get(request, *args, **kwargs)


# --- retailer orders ------------------------------------------------------------------------

ORDER_COLUMNS = [
    SheetColumn("number", 16),
    SheetColumn("retailer", 14),
    SheetColumn("status", 10),
    SheetColumn("sku", 16),
    SheetColumn("requested_week", 12),
    SheetColumn("quantity", 10, "0"),
    SheetColumn("unit_price", 14, MONEY_FORMAT),
    SheetColumn("amount", 16, MONEY_FORMAT),
    SheetColumn("allocated", 10, "0"),
    SheetColumn("shipped", 10, "0"),
    SheetColumn("reference", 20),
    SheetColumn("confirmed_at", 18),
    SheetColumn("created_at", 18),
]


class RetailerOrderListView(TempoListView):
    permission_required = VIEW_ORDER
    filterset_class = RetailerOrderFilter
    template_name = "retail/retailer_order_list.html"
    sortable = ("number", "retailer__code", "status", "created_at", "confirmed_at", "total_amount")
    default_sort = "-created_at"

    def get_queryset(self):
        self.queryset = retailer_order_list()
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
            if filterset.is_valid():
                rows = (
                    [
                        order.number,
                        order.retailer.code,
                        order.status,
                        line.item.sku,
                        IsoWeek.of(line.requested_week).key,
                        line.quantity,
                        line.unit_price,
                        line.amount,
                        line.allocated_quantity,
                        line.shipped_quantity,
                        order.reference,
                        _stamp(order.confirmed_at) if order.confirmed_at else None,
                        _stamp(order.created_at),
                    ]
                    for order in filterset.qs
                    for line in order.lines.all()
                )
                stem = f"tempo-retailer-orders-{business_date().isoformat()}"
                return sheet_response(stem, "Retailer orders", ORDER_COLUMNS, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(ADD_ORDER)
        return context


class RetailerOrderDetailView(StaffPageMixin, DetailView):
    permission_required = VIEW_ORDER
    slug_field = "number"
    slug_url_kwarg = "number"
    template_name = "retail/retailer_order_detail.html"

    def get_queryset(self):
        return RetailerOrder.objects.select_related("retailer", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order, user = self.object, self.request.user
        lines = retailer_order_detail_lines(order)
        status = order.status
        context.update(
            lines=[(line, IsoWeek.of(line.requested_week)) for line in lines],
            total=sum((line.amount for line in lines), start=from_cents(0)),
            entries=retailer_order_entries(order) if user.has_perm(VIEW_ENTRY) else None,
            allocation_lines=retailer_order_allocation_lines(order),
            shipments=list(retailer_order_shipments(order)),
            trail=audit_trail(order),
            cancel_form=CancelForm(),
            can_confirm=status == RetailerOrderStatus.DRAFT and user.has_perm(CONFIRM_ORDER),
            can_cancel=status in services.CANCELLABLE
            and not any(line.shipped_quantity for line in lines)
            and user.has_perm(CANCEL_ORDER),
            can_ship=status == RetailerOrderStatus.ALLOCATED and user.has_perm(SHIP_ORDER),
            can_deliver=status == RetailerOrderStatus.SHIPPED and user.has_perm(SHIP_ORDER),
            can_view_statement=user.has_perms((VIEW_ACCOUNT, VIEW_ENTRY)),
        )
        return context


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class _RetailerOrderActionView(StaffPageMixin, View):
    http_method_names = ["post"]
    done = ""

    def perform(self, order: RetailerOrder) -> RetailerOrder:
        raise NotImplementedError

    def post(self, request, number):
        order = get_object_or_404(RetailerOrder, number=number)
        try:
            self.perform(order)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done % {"number": order.number})
        return redirect(order.get_absolute_url())


class RetailerOrderConfirmView(_RetailerOrderActionView):
    permission_required = (VIEW_ORDER, CONFIRM_ORDER)
    done = _("%(number)s is confirmed; its amount is held on the retailer's prepayment.")

    def perform(self, order):
        return services.retailer_order_confirm(acting_user=self.request.user, order=order)


class RetailerOrderCancelView(_RetailerOrderActionView):
    permission_required = (VIEW_ORDER, CANCEL_ORDER)
    done = _("%(number)s is cancelled; its hold and reservations are released.")

    def perform(self, order):
        form = CancelForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else self.request.POST.get("reason", "")
        return services.retailer_order_cancel(acting_user=self.request.user, order=order, reason=reason)


class RetailerOrderShipView(_RetailerOrderActionView):
    permission_required = (VIEW_ORDER, SHIP_ORDER)
    done = _("%(number)s is on picked shipments from where its stock was reserved; the held prepayment is captured.")

    def perform(self, order):
        return services.retailer_order_ship(acting_user=self.request.user, order=order)


class RetailerOrderDeliverView(_RetailerOrderActionView):
    permission_required = (VIEW_ORDER, SHIP_ORDER)
    done = _("%(number)s is delivered.")

    def perform(self, order):
        return services.retailer_order_deliver(acting_user=self.request.user, order=order)


# --- entering an order for a retailer -------------------------------------------------------


class RetailerOrderForm(forms.Form):
    retailer = forms.CharField(label=_("Retailer code"), max_length=32)
    reference = forms.CharField(label=_("Retailer's reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_retailer(self):
        code = self.cleaned_data["retailer"].strip().upper()
        retailer = Retailer.objects.filter(code=code).first()
        if retailer is None:
            raise ValidationError(_("No retailer has the code '%(code)s'."), params={"code": code})
        return retailer


class RetailerOrderLineForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    quantity = forms.IntegerField(label=_("Quantity"))
    requested_week = IsoWeekFormField(label=_("Requested week"))


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [form for form in self.forms if form.cleaned_data]
        if not filled:
            raise ValidationError(_("An order needs at least one line."))
        skus = {form.cleaned_data["sku"].strip().upper() for form in filled}
        items = {item.sku: item for item in Item.objects.filter(sku__in=skus)}
        for form in filled:
            sku = form.cleaned_data["sku"].strip().upper()
            if sku not in items:
                form.add_error("sku", _("No item has the SKU '%(sku)s'.") % {"sku": sku})
            else:
                form.cleaned_data["item"] = items[sku]


LineFormSet = formset_factory(RetailerOrderLineForm, formset=BaseLineFormSet, extra=5, max_num=50, validate_max=True)


class RetailerOrderCreateView(StaffPageMixin, TemplateView):
    """Sales enters an order for a retailer (a phone call, an e-mail): a draft to confirm on its page."""

    permission_required = (VIEW_ORDER, ADD_ORDER)
    template_name = "retail/retailer_order_form.html"

    def get(self, request, *args, **kwargs):
        initial = {"retailer": request.GET.get("retailer", "")[:32]}
        week = (IsoWeek.current() + 1).key
        return self.render_to_response(
            self.get_context_data(
                form=RetailerOrderForm(initial=initial),
                lines=LineFormSet(initial=[{"requested_week": week}], prefix="lines"),
            )
        )

    def post(self, request, *args, **kwargs):
        form = RetailerOrderForm(request.POST)
        lines = LineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            data = form.cleaned_data
            inputs = [
                services.RetailerOrderLineInput(
                    line.cleaned_data["item"], line.cleaned_data["quantity"], line.cleaned_data["requested_week"]
                )
                for line in lines.forms
                if line.cleaned_data
            ]
            try:
                order = services.retailer_order_create(
                    acting_user=request.user,
                    retailer=data["retailer"],
                    lines=inputs,
                    reference=data["reference"],
                    note=data["note"],
                )
            except ApplicationError as error:
                self._show(error, form, lines)
            else:
                messages.success(request, _("%(number)s is saved as a draft.") % {"number": order.number})
                return redirect(order.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, lines=lines), status=400)

    @staticmethod
    def _show(error: ApplicationError, form, lines) -> None:
        """Put a refusal beside the line and field it names, else above the form."""
        number = error.extra.get("line") if isinstance(error.extra, dict) else None
        filled = [line for line in lines.forms if line.cleaned_data]
        if isinstance(number, int) and 1 <= number <= len(filled):
            target = filled[number - 1]
            names = [name for name in error.field_errors if name in target.fields]
            if names:
                target.add_error(names[0], error.message)
                return
        form_add_application_error(form, error)


def statement_period_links(today: date | None = None) -> list[tuple[str, date, date]]:
    """Handy periods for the statement page: this month, last month, year to date."""
    today = today or business_date()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return [
        (str(_("This month")), first, today),
        (str(_("Last month")), last_month_end.replace(day=1), last_month_end),
        (str(_("Year to date")), today.replace(month=1, day=1), today),
    ]
