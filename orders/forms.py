from django import forms
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from orders.models import MAX_PAYMENT_MINUTES, FlashSaleChannel, ForecastMethod
from orders.services.forecasts import MAX_GENERATE_WEEKS, MAX_MOVING_AVERAGE_N

GENERATE_CHOICES = [
    (ForecastMethod.NAIVE, ForecastMethod.NAIVE.label),
    (ForecastMethod.MOVING_AVERAGE, ForecastMethod.MOVING_AVERAGE.label),
    (ForecastMethod.SIGNAL_ADJUSTED, ForecastMethod.SIGNAL_ADJUSTED.label),
]


class IsoWeekField(forms.Field):
    """An ISO week key such as 2026-W48, cleaned to an ``IsoWeek``."""

    widget = forms.TextInput(attrs={"placeholder": "2026-W48", "size": 9})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("ISO week, e.g. 2026-W48."))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, IsoWeek):
            return value
        try:
            return IsoWeek.parse(str(value)[:20])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error

    def prepare_value(self, value):
        return value.key if isinstance(value, IsoWeek) else value


class WindowForm(forms.Form):
    """A window of weeks: from (default this week) and how many (default ``DEFAULT_WEEKS``)."""

    DEFAULT_WEEKS = 12

    start = IsoWeekField(label=_("From week"), required=False)
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=MAX_GENERATE_WEEKS, required=False)

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start")
        if start is not None:
            try:
                start + ((cleaned.get("weeks") or self.DEFAULT_WEEKS) - 1)  # the window's last week exists
            except ApplicationError as error:
                self.add_error("start", error.message)
        return cleaned


class VersionCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    empty = forms.BooleanField(label=_("Start empty (do not copy the current version)"), required=False)


class GenerateForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=GENERATE_CHOICES)
    n = forms.IntegerField(
        label=_("n (weeks averaged)"),
        min_value=1,
        max_value=MAX_MOVING_AVERAGE_N,
        required=False,
        help_text=_("Moving average only."),
    )
    start = IsoWeekField(label=_("From week"))
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=MAX_GENERATE_WEEKS, initial=12)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class FlashSaleForm(forms.Form):
    """A new flash sale; times are in the site's time zone (Asia/Shanghai)."""

    sku = forms.CharField(label=_("Product SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    quantity = forms.IntegerField(label=_("Units on sale"), min_value=1, max_value=10_000_000)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    per_customer_limit = forms.IntegerField(label=_("Per-customer limit"), min_value=1, max_value=1_000, initial=1)
    channel = forms.ChoiceField(label=_("Channel"), choices=FlashSaleChannel.choices)
    counter_shards = forms.IntegerField(
        label=_("Counter rows"),
        min_value=1,
        max_value=64,
        initial=8,
        help_text=_("The stock is split over this many rows so that many orders at once do not queue on one row."),
    )
    region = forms.CharField(label=_("Ship-to region"), max_length=64, required=False)
    payment_minutes = forms.IntegerField(
        label=_("Payment window (minutes)"),
        min_value=1,
        max_value=MAX_PAYMENT_MINUTES,
        required=False,
        initial=30,
        help_text=_("An accepted order not paid in time is cancelled and its unit goes back on sale; blank: no limit."),
    )
