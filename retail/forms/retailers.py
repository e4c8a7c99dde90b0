from django import forms
from django.utils.translation import gettext_lazy as _

from retail.models import RetailerStatus, RetailerTier


class RetailerForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Upper-case letters, digits, '.', '_' or '-'; never changes.")
    )
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    region = forms.CharField(label=_("Region"), max_length=64)
    tier = forms.TypedChoiceField(label=_("Tier"), choices=RetailerTier.choices, coerce=int)
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=200, initial="100% prepayment")
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RetailerEditForm(RetailerForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True


class RetailerStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=RetailerStatus.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, help_text=_("Required when putting on hold or closing.")
    )


class RetailerInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    is_admin = forms.BooleanField(
        label=_("Retailer admin"), required=False, help_text=_("May invite and deactivate colleagues.")
    )
