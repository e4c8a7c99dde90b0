from django import forms
from django.utils.translation import gettext_lazy as _

from erp.models import Currency
from procurement.models import Supplier


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
