"""The prepayment statement for a period, on screen and as a workbook."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from retail.exports import statement_sheet_response
from retail.selectors import prepayment_statement, statement_default_period
from retail.views.portal_base import RetailerPageMixin

MAX_DAYS = 3 * 366


class StatementPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


class StatementView(RetailerPageMixin, TemplateView):
    template_name = "portal/statement.html"

    def get(self, request, *args, **kwargs):
        default_start, default_end = statement_default_period()
        if "start" in request.GET or "end" in request.GET:
            form = StatementPeriodForm(request.GET)
        else:
            form = StatementPeriodForm({"start": default_start.isoformat(), "end": default_end.isoformat()})
        statement = None
        if form.is_valid():
            start: date = form.cleaned_data["start"]
            end: date = form.cleaned_data["end"]
            statement = prepayment_statement(retailer=self.retailer, start=start, end=end)
            if request.GET.get("format") == "xlsx":
                return statement_sheet_response(statement)
        return self.render_to_response(self.get_context_data(form=form, statement=statement))
