from django import forms
from django.utils.translation import gettext_lazy as _

from erp.models import Currency
from procurement.models import MAX_SCRAP_PCT, MIN_QTY_PER, Supplier
from procurement.selectors.costing import MAX_COSTING_LOT
from procurement.selectors.scorecard import MAX_WINDOW_DAYS

MAX_QTY = 2_147_483_647


class SupplierForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.CharField(label=_("Country"), max_length=2, min_length=2, help_text=_("Two letters, e.g. CN."))
    currency = forms.ModelChoiceField(label=_("Currency"), queryset=Currency.objects.filter(is_active=True))
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    payment_terms = forms.ChoiceField(
        label=_("Payment terms"), choices=Supplier.Terms.choices, initial=Supplier.Terms.NET60
    )


class SupplierEditForm(SupplierForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True


class SupplierStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Supplier.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required when putting a supplier on hold or blocking it."),
    )


class BomLineForm(forms.Form):
    child = forms.CharField(label=_("Component SKU"), max_length=64, help_text=_("A component or an assembly."))
    qty_per = forms.DecimalField(label=_("Quantity per parent"), max_digits=12, decimal_places=4, min_value=MIN_QTY_PER)
    scrap_pct = forms.DecimalField(
        label=_("Scrap %"), max_digits=5, decimal_places=2, min_value=0, max_value=MAX_SCRAP_PCT, initial=0
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Optional.")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CostingParamsForm(forms.Form):
    date = forms.DateField(label=_("Costing date"), widget=forms.DateInput(attrs={"type": "date"}))
    lot = forms.IntegerField(label=_("Lot size"), min_value=1, max_value=MAX_COSTING_LOT, required=False)


class OutlierParamsForm(forms.Form):
    date = forms.DateField(label=_("Offers in force on"), widget=forms.DateInput(attrs={"type": "date"}))
    qty = forms.IntegerField(
        label=_("Compare at quantity"), min_value=1, max_value=MAX_COSTING_LOT, required=False, initial=10000
    )


class PurchaseOrderForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.order_by("code"), to_field_name="code"
    )
    order_date = forms.DateField(label=_("Order date"), required=False, help_text=_("Empty means today."))
    currency = forms.ModelChoiceField(
        label=_("Currency"),
        queryset=Currency.objects.filter(is_active=True),
        required=False,
        help_text=_("Empty means the supplier's currency."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PurchaseOrderLineForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=-MAX_QTY, max_value=MAX_QTY)
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=14,
        decimal_places=6,
        required=False,
        help_text=_("Empty: from the supplier's offer at this quantity."),
    )
    requested_date = forms.DateField(
        label=_("Requested date"), required=False, help_text=_("Empty: the order date plus the offer's lead time.")
    )


class RemoveLineForm(forms.Form):
    line = forms.IntegerField(min_value=1, max_value=MAX_QTY)


class SendForm(forms.Form):
    pass


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ConfirmForm(forms.Form):
    """One promised date per line of the order."""

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(order.lines.all())
        for line in self.lines:
            self.fields[f"promised_{line.line_number}"] = forms.DateField(
                label=_("Line %(n)s promised date") % {"n": line.line_number}, initial=line.requested_date
            )

    def promised_dates(self) -> dict:
        return {line.line_number: self.cleaned_data[f"promised_{line.line_number}"] for line in self.lines}


class ReceiveForm(forms.Form):
    """Received, accepted and rejected quantities for each open line, and the day they arrived."""

    received_on = forms.DateField(label=_("Received on"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in order.lines.all() if line.open_qty > 0]
        for line in self.lines:
            for name, label in (("received", _("received")), ("accepted", _("accepted")), ("rejected", _("rejected"))):
                self.fields[f"{name}_{line.line_number}"] = forms.IntegerField(
                    label=f"{line.line_number} {label}", required=False, min_value=0, max_value=MAX_QTY
                )

    def rows(self):
        """(line, received field, accepted field, rejected field) for the template."""
        return [
            (
                line,
                self[f"received_{line.line_number}"],
                self[f"accepted_{line.line_number}"],
                self[f"rejected_{line.line_number}"],
            )
            for line in self.lines
        ]

    def entries(self) -> list[tuple[int, int, int, int]]:
        """(line number, received, accepted, rejected) for the lines with something received."""
        data = self.cleaned_data
        result = []
        for line in self.lines:
            n = line.line_number
            received = data.get(f"received_{n}") or 0
            if not received:
                continue
            rejected = data.get(f"rejected_{n}") or 0
            accepted = data.get(f"accepted_{n}")
            result.append((n, received, received - rejected if accepted is None else accepted, rejected))
        return result


class ScorecardForm(forms.Form):
    date = forms.DateField(label=_("Window ends on"), required=False)
    window = forms.IntegerField(label=_("Window (days)"), min_value=1, max_value=MAX_WINDOW_DAYS, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
