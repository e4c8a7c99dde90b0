"""A retailer's orders: list, place (confirmed at once, or refused whole), detail and cancel."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from erp.errors import ApplicationError
from erp.weeks import IsoWeek, business_date
from retail.models import RetailerOrderStatus
from retail.selectors.portal import (
    portal_account,
    portal_order,
    portal_order_lines,
    portal_orderable_items,
    portal_orders,
)
from retail.services import (
    CANCELLABLE,
    RetailerOrderLineInput,
    retailer_order_cancel,
    retailer_order_confirm,
    retailer_order_create,
    retailer_order_place,
)
from retail.views.portal_base import RetailerPageMixin

LINE_ROWS = 6


class PortalOrderListView(RetailerPageMixin, ListView):
    template_name = "portal/order_list.html"
    paginate_by = 25
    context_object_name = "orders"

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in RetailerOrderStatus.values else ""
        return portal_orders(retailer=self.retailer, status=self.status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(statuses=RetailerOrderStatus.choices, status=self.status)
        return context


class OrderLineForm(forms.Form):
    sku = forms.CharField(label=_("Product (SKU)"), max_length=64, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, required=False)
    week = forms.CharField(
        label=_("Requested week"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "2026-W50", "inputmode": "text", "size": 9}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("sku") and not data.get("quantity"):
            return data  # an unused row (its week is filled in for convenience)
        if not data.get("sku"):
            self.add_error("sku", _("Choose a product."))
        if not data.get("quantity"):
            self.add_error("quantity", _("Enter a quantity of at least 1."))
        try:
            data["iso_week"] = IsoWeek.parse(data.get("week") or "")
        except ApplicationError as error:
            self.add_error("week", error.message)
        return data


class OrderForm(forms.Form):
    reference = forms.CharField(label=_("Your reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


LineFormSet = forms.formset_factory(OrderLineForm, extra=0, max_num=200, absolute_max=200, validate_max=True)


class PortalOrderCreateView(RetailerPageMixin, FormView):
    template_name = "portal/order_form.html"
    form_class = OrderForm

    @cached_property
    def items(self):
        return {item.sku: item for item in portal_orderable_items(on=business_date())}

    def get_formset(self):
        if self.request.method == "POST":
            return LineFormSet(self.request.POST, prefix="lines")
        first_week = (IsoWeek.current() + 1).key
        initial = [{"sku": self.request.GET.get("sku", "")[:64], "week": first_week}]
        initial += [{"week": first_week} for _ in range(LINE_ROWS - 1)]
        return LineFormSet(initial=initial, prefix="lines")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        context["items"] = self.items.values()
        context["account"] = portal_account(retailer=self.retailer)
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        lines = []
        for line_form in formset:
            data = line_form.cleaned_data
            if not data.get("sku"):
                continue
            item = self.items.get(data["sku"].strip().upper())
            if item is None:
                line_form.add_error("sku", _("%(sku)s is not in the catalogue.") % {"sku": data["sku"]})
                continue
            lines.append(RetailerOrderLineInput(item=item, quantity=data["quantity"], requested_week=data["iso_week"]))
        if any(line_form.errors for line_form in formset):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        service = retailer_order_create if "save_draft" in request.POST else retailer_order_place
        try:
            order = service(
                acting_user=request.user,
                retailer=self.retailer,
                lines=lines,
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        if order.status == RetailerOrderStatus.DRAFT:
            messages.success(request, _("Order %(number)s saved as a draft; nothing is held yet.") % {"number": order})
        else:
            messages.success(
                request,
                _("Order %(number)s confirmed; %(amount)s CNY is held on your prepayment.")
                % {"number": order, "amount": f"{order.held_amount:,.2f}"},
            )
        return redirect("portal:order-detail", number=order.number)


class PortalOrderMixin(RetailerPageMixin):
    @cached_property
    def order(self):
        return portal_order(retailer=self.retailer, number=self.kwargs["number"])


class PortalOrderDetailView(PortalOrderMixin, TemplateView):
    template_name = "portal/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.order
        lines = portal_order_lines(order=order)
        Status = RetailerOrderStatus
        context.update(
            order=order,
            lines=lines,
            total=sum((line.amount for line in lines), start=0),
            can_cancel=order.status in CANCELLABLE,
            can_confirm=order.status == RetailerOrderStatus.DRAFT,
            timeline=[
                (Status.DRAFT.label, order.created_at),
                (Status.CONFIRMED.label, order.confirmed_at),
                (Status.ALLOCATED.label, order.allocated_at),
                (Status.SHIPPED.label, order.shipped_at),
                (Status.DELIVERED.label, order.delivered_at),
            ]
            + ([(Status.CANCELLED.label, order.cancelled_at)] if order.cancelled_at else []),
        )
        return context


class PortalOrderCancelView(PortalOrderMixin, View):
    http_method_names = ["post"]

    def post(self, request, number):
        order = self.order  # 404 unless it is this retailer's order
        try:
            retailer_order_cancel(acting_user=request.user, order=order, reason=request.POST.get("reason", "")[:200])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Order %(number)s cancelled; its hold is released.") % {"number": order})
        return redirect(reverse("portal:order-detail", args=[order.number]))


class PortalOrderConfirmView(PortalOrderMixin, View):
    """Confirm a draft: its value is held on the prepayment, or it is refused with the shortfall."""

    http_method_names = ["post"]

    def post(self, request, number):
        order = self.order
        try:
            order = retailer_order_confirm(acting_user=request.user, order=order)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Order %(number)s confirmed; %(amount)s CNY is held on your prepayment.")
                % {"number": order, "amount": f"{order.held_amount:,.2f}"},
            )
        return redirect(reverse("portal:order-detail", args=[order.number]))
