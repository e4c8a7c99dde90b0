"""Forms of the logistics pages: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.models import StockMoveReason
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
