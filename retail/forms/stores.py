"""Forms of the store pages: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.forms import DateInput
from logistics.forms import sku_quantity_lines
from retail.models import DEFAULT_COVER_DAYS, MAX_COVER_DAYS, MIN_COVER_DAYS
from retail.services.sell_through import MAX_UNITS

_CODE_HELP = _("Upper-case letters, digits, '.', '_' or '-'; never changes.")


class StoreForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_CODE_HELP)
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.CharField(label=_("Region"), max_length=64, required=False)
    retailer = forms.CharField(
        label=_("Retailer"), max_length=32, required=False, help_text=_("The retailer's code; empty for an own store.")
    )
    cover_days = forms.IntegerField(
        label=_("Cover days"), min_value=MIN_COVER_DAYS, max_value=MAX_COVER_DAYS, initial=DEFAULT_COVER_DAYS
    )
    replenished_from = forms.CharField(
        label=_("Replenished from"),
        max_length=32,
        required=False,
        help_text=_("A warehouse code; empty: the first active warehouse of the store's region."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class StoreEditForm(StoreForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True
        self.fields["retailer"].disabled = True
        self.fields["retailer"].help_text = _("Who runs a store never changes.")


class _LinesForm(forms.Form):
    what = _("units")
    lines = forms.CharField(label=_("Lines"), widget=forms.Textarea(attrs={"rows": 8}))

    def clean_lines(self) -> list[tuple[str, int]]:
        lines = sku_quantity_lines(self.cleaned_data["lines"], what=self.what, minimum=0)
        for number, (_sku, quantity) in enumerate(lines, start=1):
            if quantity > MAX_UNITS:
                raise forms.ValidationError(
                    _("Line %(n)s: at most %(max)s units."), params={"n": number, "max": f"{MAX_UNITS:,}"}
                )
        return lines


class SellThroughEntryForm(_LinesForm):
    store = forms.CharField(label=_("Store"), max_length=32)
    date = forms.DateField(label=_("Day"), widget=DateInput)
    field_order = ["store", "date", "lines"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].label = _("Units sold")
        self.fields["lines"].help_text = _(
            "One product a line: the SKU and the units sold that day, e.g. TP-X1-128 12. "
            "A day reported again replaces the earlier figure."
        )


class StoreCountForm(_LinesForm):
    what = _("quantity found")
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].label = _("Counted")
        self.fields["lines"].help_text = _("One product a line: the SKU and the units found, e.g. TP-X1-128 18.")


class ReplenishmentFilterForm(forms.Form):
    """Which suggestions the replenishment page and ``GET /api/v1/replenishment/`` show."""

    region = forms.CharField(label=_("Region"), max_length=64, required=False)
    store = forms.CharField(label=_("Store"), max_length=32, required=False)
    warehouse = forms.CharField(label=_("Warehouse"), max_length=32, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    only_needed = forms.BooleanField(label=_("Only lines that need stock"), required=False)

    def clean(self):
        cleaned = super().clean()
        for name in ("store", "warehouse", "sku"):
            cleaned[name] = (cleaned.get(name) or "").strip().upper()
        cleaned["region"] = (cleaned.get("region") or "").strip()
        return cleaned
