from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from erp.models import MAX_BATCH_MULTIPLE, MAX_CASE_PACK, MAX_RATE, MIN_MONEY, MIN_RATE, Currency, Item
from erp.services import MAX_TOKEN_DAYS


class DateInput(forms.DateInput):
    input_type = "date"


class ItemForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Item.Kind.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Item.Unit.choices, initial=Item.Unit.PIECE)
    lifecycle_status = forms.ChoiceField(
        label=_("Lifecycle"),
        choices=Item.Lifecycle.choices,
        initial=Item.Lifecycle.ACTIVE,
    )
    batch_multiple = forms.IntegerField(label=_("Batch multiple"), min_value=1, max_value=MAX_BATCH_MULTIPLE, initial=1)
    case_pack = forms.IntegerField(
        label=_("Case pack"),
        min_value=1,
        max_value=MAX_CASE_PACK,
        initial=1,
        help_text=_("Units in one shipping case; store replenishment ships whole cases."),
    )
    family = forms.CharField(label=_("Family"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ItemEditForm(ItemForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sku"].disabled = True


class PriceForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Item.objects.filter(kind=Item.Kind.PRODUCT).order_by("sku"),
        to_field_name="sku",
    )
    list_price = forms.DecimalField(label=_("List price (CNY)"), max_digits=12, decimal_places=2, min_value=MIN_MONEY)
    retailer_price = forms.DecimalField(
        label=_("Retailer price (CNY)"), max_digits=12, decimal_places=2, min_value=MIN_MONEY
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=_("Valid to"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for an open-ended price."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PriceEditForm(PriceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].disabled = True


class FxRateForm(forms.Form):
    currency = forms.ModelChoiceField(
        label=_("Currency"),
        queryset=Currency.objects.exclude(code="CNY").filter(is_active=True),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    rate = forms.DecimalField(
        label=_("CNY per unit"), max_digits=18, decimal_places=8, min_value=MIN_RATE, max_value=MAX_RATE
    )
    source = forms.CharField(label=_("Source"), max_length=64, required=False)


def default_token_days() -> int:
    """The lifetime of a token issued by the API (``API_TOKEN_TTL_DAYS``), within what the page allows."""
    ttl = settings.REST_KNOX.get("TOKEN_TTL")
    return min(max(ttl.days if ttl else 30, 1), MAX_TOKEN_DAYS)


class ApiTokenCreateForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script or machine that uses it."),
    )
    expiry_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        initial=default_token_days,
    )


class ApiTokenRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("Recorded in the token's history."),
    )
