"""The demand plan page: 12 weeks of demand against supply per product."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.web import StaffPageMixin
from erp.weeks import IsoWeek
from orders.selectors.demand_plan import PLAN_WEEKS, demand_plan

PLAN_PERMISSION = "orders.view_forecastversion"


class PlanParamsForm(forms.Form):
    start = forms.CharField(label=_("From week"), max_length=8, required=False, help_text=_("e.g. 2026-W48"))
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=26, required=False)

    def clean_start(self):
        value = self.cleaned_data["start"].strip()
        if not value:
            return None
        try:
            return IsoWeek.parse(value)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


class DemandPlanView(StaffPageMixin, TemplateView):
    permission_required = PLAN_PERMISSION
    template_name = "orders/demand_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PlanParamsForm(self.request.GET or None)
        start, weeks = None, PLAN_WEEKS
        if form.is_bound and form.is_valid():
            start, weeks = form.cleaned_data["start"], form.cleaned_data["weeks"] or PLAN_WEEKS
        context.update(params=form, plan=None)
        if not form.is_bound or form.is_valid():
            try:
                context["plan"] = demand_plan(from_week=start, weeks=weeks)
            except ApplicationError as error:  # a window that runs off the calendar (after 9999)
                form.add_error("start", error.message)
        return context
