"""The prepayment statement for a period, on screen and as a workbook."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from retail.selectors import Statement, prepayment_statement, statement_default_period
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


def portal_statement_response(statement: Statement):
    """The statement as a one-sheet workbook: opening line, entries, closing line."""
    columns = [
        SheetColumn("date", width=18, number_format="yyyy-mm-dd hh:mm"),
        SheetColumn("kind", width=12),
        SheetColumn("reference", width=22),
        SheetColumn("order", width=16),
        SheetColumn("amount", width=14, number_format="#,##0.00"),
        SheetColumn("balance_after", width=16, number_format="#,##0.00"),
        SheetColumn("held_after", width=14, number_format="#,##0.00"),
        SheetColumn("available_after", width=16, number_format="#,##0.00"),
        SheetColumn("note", width=30),
    ]

    def rows():
        yield [
            statement.start,
            "opening",
            "",
            "",
            None,
            statement.opening_balance,
            statement.opening_held,
            statement.opening_balance - statement.opening_held,
            "",
        ]
        for entry in statement.entries:
            yield [
                timezone.localtime(entry.created_at).replace(tzinfo=None),
                entry.kind,
                entry.reference,
                entry.order.number if entry.order_id else "",
                entry.amount,
                entry.balance_after,
                entry.held_after,
                entry.available_after,
                entry.note,
            ]
        yield [
            statement.end,
            "closing",
            "",
            "",
            None,
            statement.closing_balance,
            statement.closing_held,
            statement.closing_balance - statement.closing_held,
            "",
        ]

    stem = f"statement-{statement.retailer.code}-{statement.start.isoformat()}-{statement.end.isoformat()}"
    return sheet_response(stem, "Statement", columns, rows())


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
                return portal_statement_response(statement)
        return self.render_to_response(self.get_context_data(form=form, statement=statement))
