from django import forms
from django.utils.translation import gettext_lazy as _

from erp.models import Currency
from procurement.models import MAX_SCRAP_PCT, MIN_QTY_PER, Supplier
from procurement.selectors.costing import MAX_COSTING_LOT


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
