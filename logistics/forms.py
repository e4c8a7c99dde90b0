"""Forms of the logistics pages: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.models import DiscrepancyReason, ShipmentKind, ShipmentStatus, StockMoveReason
from logistics.services.stock import MAX_QTY


class StockMoveForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    qty = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QTY)
    from_location = forms.CharField(label=_("From location"), max_length=32, required=False)
    to_location = forms.CharField(label=_("To location"), max_length=32, required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=StockMoveReason.choices)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class StockCountForm(forms.Form):
    location = forms.CharField(label=_("Location"), max_length=32)
    lines = forms.CharField(
        label=_("Counted items"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One item a line: the SKU and the quantity found, e.g. TP-X1-128 1180."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_lines(self) -> list[tuple[str, int]]:
        parsed = []
        for number, text in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = text.replace(",", " ").replace(";", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(
                    _("Line %(n)s: write the SKU and the quantity, e.g. TP-X1-128 1180."), params={"n": number}
                )
            sku, qty = parts
            try:
                counted = int(qty)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: %(qty)s is not a whole number."), params={"n": number, "qty": qty}
                ) from None
            if counted < 0:
                raise forms.ValidationError(
                    _("Line %(n)s: the count cannot be negative (%(qty)s)."), params={"n": number, "qty": qty}
                )
            parsed.append((sku.upper(), counted))
        if not parsed:
            raise forms.ValidationError(_("Give at least one counted item."))
        return parsed


class PostCountForm(forms.Form):
    """No fields: posting is a confirmed button press."""


def sku_quantity_lines(text: str, *, what: str, minimum: int = 1) -> list[tuple[str, int]]:
    """Parse 'SKU quantity' lines (each quantity at least ``minimum``), naming the line at fault."""
    parsed = []
    for number, row in enumerate(text.splitlines(), start=1):
        parts = row.replace(",", " ").replace(";", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(
                _("Line %(n)s: write the SKU and the %(what)s, e.g. TP-X1-128 1180."),
                params={"n": number, "what": what},
            )
        sku, qty = parts
        try:
            quantity = int(qty)
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)s: %(qty)s is not a whole number."), params={"n": number, "qty": qty}
            ) from None
        if quantity < minimum:
            message = (
                _("Line %(n)s: the quantity must be above zero (%(qty)s).")
                if minimum == 1
                else _("Line %(n)s: the quantity must be at least %(minimum)s (%(qty)s).")
            )
            raise forms.ValidationError(message, params={"n": number, "qty": qty, "minimum": minimum})
        parsed.append((sku.upper(), quantity))
    if not parsed:
        raise forms.ValidationError(_("Give at least one line."))
    return parsed


class ShipmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ShipmentKind.choices)
    from_location = forms.CharField(label=_("From location"), max_length=32)
    to_location = forms.CharField(
        label=_("To location"), max_length=32, required=False, help_text=_("Empty when it leaves Tempo's stock.")
    )
    consignee = forms.CharField(
        label=_("Consignee"), max_length=200, required=False, help_text=_("Retailer code or customer reference.")
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    lines = forms.CharField(
        label=_("Lines"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line: the SKU and the quantity, e.g. TP-X1-128 1200."),
    )

    def clean_lines(self) -> list[tuple[str, int]]:
        return sku_quantity_lines(self.cleaned_data["lines"], what=_("quantity"))


class ShipmentEventForm(forms.Form):
    status = forms.ChoiceField(label=_("Event"), choices=[])
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # Generated when the page is drawn, so a double-submitted form posts one event.
    event_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, ShipmentStatus(s).label) for s in statuses]


class ShipmentReceiveLineForm(forms.Form):
    received = forms.IntegerField(label=_("Received in good order"), min_value=0)
    damaged = forms.IntegerField(label=_("Damaged"), min_value=0, initial=0)
    discrepancy = forms.ChoiceField(label=_("Discrepancy"), choices=DiscrepancyReason.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
