"""The weekly order meeting pages: the shared grid, in-place edits (htmx), decisions, lock and unlock."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp import roles
from erp.errors import ApplicationError
from erp.models import Item
from erp.web import StaffPageMixin
from erp.weeks import IsoWeek
from logistics.models import Factory
from orders.selectors.meeting import (
    meeting_decisions,
    meeting_edits,
    meeting_get,
    meeting_grid,
    meeting_lock_outputs,
    meeting_row,
)
from orders.services.meeting import (
    meeting_cell_set,
    meeting_decision_add,
    meeting_lock,
    meeting_open,
    meeting_unlock,
)

VIEW_PERMISSION = "orders.view_meetingweek"
EDIT_PERMISSION = "orders.change_meetingweek"
DECIDE_PERMISSION = "orders.add_meetingdecision"
UNLOCK_PERMISSION = "orders.unlock_meetingweek"


def parse_week(key: str) -> IsoWeek:
    try:
        return IsoWeek.parse(key)
    except ApplicationError as error:
        raise Http404(error.message) from error


class MeetingFilterForm(forms.Form):
    family = forms.ChoiceField(label=_("Family"), required=False)
    factory = forms.ChoiceField(label=_("Factory"), required=False)
    lifecycle = forms.ChoiceField(label=_("Lifecycle"), required=False)
    compare = forms.BooleanField(label=_("Compare with last locked plan"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        families = Item.objects.filter(kind=Item.Kind.PRODUCT).exclude(family="").values_list("family", flat=True)
        self.fields["family"].choices = [("", _("all"))] + [(f, f) for f in sorted(set(families))]
        codes = Factory.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)
        self.fields["factory"].choices = [("", _("all"))] + [(c, c) for c in codes]
        self.fields["lifecycle"].choices = [("", _("all")), *Item.Lifecycle.choices]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=500)
    reason = forms.CharField(label=_("Why"), max_length=1000, required=False)
    sku = forms.CharField(label=_("Product (SKU)"), max_length=64, required=False)
    plan_week = forms.CharField(label=_("Week"), max_length=8, required=False, help_text=_("e.g. 2026-W50"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400)


def _row_context(request, week: IsoWeek, row, *, locked: bool, compare: bool, editing=None) -> dict:
    mine = roles.user_roles(request.user)
    return {
        "row": row,
        "week": week,
        "locked": locked,
        "compare": compare,
        "can_edit": request.user.has_perm(EDIT_PERMISSION) and not locked and week >= IsoWeek.current(),
        "owned": bool(mine & row.owner_roles),
        "editing": editing or {},
        # One reverse() per product, not per cell: the cells append their week key.
        "cell_base": reverse("meeting-cell", args=[week.key, row.item.sku, week.key])[: -len(week.key) - 1],
    }


class MeetingView(StaffPageMixin, TemplateView):
    permission_required = VIEW_PERMISSION
    template_name = "orders/meeting.html"

    def get_week(self) -> IsoWeek:
        key = self.kwargs.get("week")
        return parse_week(key) if key else IsoWeek.current()

    def get_context_data(self, decision_form=None, reason_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        week = self.get_week()
        filters = MeetingFilterForm(self.request.GET or None)
        params = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
        grid = meeting_grid(
            week=week,
            family=params.get("family", ""),
            factory_code=params.get("factory", ""),
            lifecycle=params.get("lifecycle", ""),
            user=self.request.user,
        )
        meeting = meeting_get(week=week)
        compare = bool(params.get("compare"))
        context.update(
            week=week,
            previous_week=week - 1,
            next_week=week + 1,
            grid=grid,
            meeting=meeting,
            filters=filters,
            compare=compare,
            rows=[_row_context(self.request, week, row, locked=grid.locked, compare=compare) for row in grid.rows],
            decisions=list(meeting_decisions(meeting=meeting)) if meeting else [],
            outputs=meeting_lock_outputs(meeting=meeting) if meeting else None,
            decision_form=decision_form or DecisionForm(),
            reason_form=reason_form or ReasonForm(),
            can_decide=self.request.user.has_perm(DECIDE_PERMISSION) and not grid.locked,
            can_lock=self.request.user.has_perm(EDIT_PERMISSION) and not grid.locked and week >= IsoWeek.current(),
            can_unlock=self.request.user.has_perm(UNLOCK_PERMISSION) and grid.locked,
        )
        return context


def _item(sku: str) -> Item:
    item = Item.objects.filter(sku=sku.strip().upper(), kind=Item.Kind.PRODUCT).first()
    if item is None:
        raise Http404(f"No product {sku}.")
    return item


class MeetingCellView(StaffPageMixin, View):
    """GET: the cell's edit form (htmx). POST: save it and answer with the product's redrawn section."""

    permission_required = (VIEW_PERMISSION, EDIT_PERMISSION)

    def _render(self, request, week: IsoWeek, item: Item, *, editing=None, status=200) -> HttpResponse:
        grid = meeting_grid(week=week, item_ids=[item.pk])
        if not grid.rows:
            raise Http404(f"{item.sku} is not in the meeting.")
        compare = request.GET.get("compare") == "on" or request.POST.get("compare") == "on"
        context = _row_context(request, week, grid.rows[0], locked=grid.locked, compare=compare, editing=editing)
        html = render_to_string("orders/partials/meeting_row.html", context, request=request)
        return HttpResponse(html, status=status)

    def get(self, request, week, sku, plan_week):
        week, item, plan = parse_week(week), _item(sku), parse_week(plan_week)
        return self._render(request, week, item, editing={"week": plan.key})

    def post(self, request, week, sku, plan_week):
        week, item, plan = parse_week(week), _item(sku), parse_week(plan_week)
        raw = request.POST.get("quantity", "").strip()
        try:
            quantity = int(raw)
        except ValueError:
            error = ApplicationError(f"'{raw}' is not a whole number.", {"fields": {"quantity": ["Not a number."]}})
            return self._fail(request, week, item, plan, error, raw)
        try:
            with transaction.atomic():  # a refused edit leaves no meeting opened behind it
                meeting = meeting_open(acting_user=request.user, week=week)
                meeting_cell_set(
                    acting_user=request.user,
                    meeting=meeting,
                    item=item,
                    plan_week=plan,
                    quantity=quantity,
                    expected=request.POST.get("expected", "").strip(),
                    comment=request.POST.get("comment", ""),
                )
        except ApplicationError as error:
            return self._fail(request, week, item, plan, error, raw)
        if not request.headers.get("HX-Request"):
            messages.success(request, _("Saved."))
            return redirect("meeting-week", week=week.key)
        return self._render(request, week, item)

    def _fail(self, request, week, item, plan, error: ApplicationError, raw: str) -> HttpResponse:
        if not request.headers.get("HX-Request"):
            messages.error(request, error.message)
            return redirect("meeting-week", week=week.key)
        editing = {"week": plan.key, "error": error.message, "value": raw, "comment": request.POST.get("comment", "")}
        # 200, not 4xx: htmx swaps only successful answers, and the form with its error is the answer.
        return self._render(request, week, item, editing=editing)


class MeetingHistoryView(StaffPageMixin, View):
    """The edits of one product in one meeting (htmx fragment in the expanded row)."""

    permission_required = VIEW_PERMISSION

    def get(self, request, week, sku):
        week, item = parse_week(week), _item(sku)
        meeting = meeting_get(week=week)
        edits = list(meeting_edits(meeting=meeting, item=item)[:50]) if meeting else []
        html = render_to_string("orders/partials/meeting_history.html", {"edits": edits, "item": item}, request=request)
        return HttpResponse(html)


class MeetingChartView(StaffPageMixin, View):
    """Demand, supply and projected inventory of one product over the 12 weeks (htmx fragment in the
    expanded row). The numbers travel as JSON for tempo.js to draw with Chart.js; the page itself never
    computes them, so it costs no query more."""

    permission_required = VIEW_PERMISSION

    def get(self, request, week, sku):
        week, item = parse_week(week), _item(sku)
        row = meeting_row(week=week, item=item)
        if row is None:
            raise Http404(f"{item.sku} is not in the meeting.")
        data = {
            "weeks": [cell.week.key for cell in row.cells],
            "demand": [cell.demand for cell in row.cells],
            "supply": [cell.supply for cell in row.cells],
            "projected": [cell.projected for cell in row.cells],
            "names": {"demand": _("Demand"), "supply": _("Supply"), "projected": _("Projected inventory")},
        }
        lowest = min(row.cells, key=lambda cell: cell.projected) if row.cells else None
        context = {"item": item, "week": week, "data": data, "lowest": lowest, "script_id": f"meeting-chart-{item.sku}"}
        html = render_to_string("orders/partials/meeting_chart.html", context, request=request)
        return HttpResponse(html)


class _MeetingPost(StaffPageMixin, View):
    """A form posted from the meeting page: on success back to it, on error the page with the form's errors."""

    form_class = ReasonForm
    form_context = "reason_form"

    def post(self, request, week):
        week = parse_week(week)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():  # opening the meeting and the act stand or fall together
                    message = self.act(request, week, form.cleaned_data)
            except ApplicationError as error:
                for field, errors in error.field_errors.items():
                    target = field if field in form.fields else None
                    for text in errors:
                        form.add_error(target, text)
                if not error.field_errors:
                    form.add_error(None, error.message)
            else:
                messages.success(request, message)
                return redirect("meeting-week", week=week.key)
        page = MeetingView.as_view()
        request.method = "GET"
        return page(request, week=week.key, **{self.form_context: form})


class MeetingDecisionView(_MeetingPost):
    permission_required = (VIEW_PERMISSION, DECIDE_PERMISSION)
    form_class = DecisionForm
    form_context = "decision_form"

    def act(self, request, week, data) -> str:
        item = None
        if data["sku"]:
            item = Item.objects.filter(sku=data["sku"].strip().upper()).first()
            if item is None:
                message = f"Unknown product {data['sku']}."
                raise ApplicationError(message, {"fields": {"sku": [message]}})
        plan_week = None
        if data["plan_week"]:
            plan_week = IsoWeek.parse(data["plan_week"].strip())
        meeting = meeting_open(acting_user=request.user, week=week)
        meeting_decision_add(
            acting_user=request.user,
            meeting=meeting,
            text=data["text"],
            reason=data["reason"],
            item=item,
            plan_week=plan_week,
        )
        return _("Decision recorded.")


class MeetingLockView(_MeetingPost):
    permission_required = (VIEW_PERMISSION, EDIT_PERMISSION)

    def act(self, request, week, data) -> str:
        meeting = meeting_open(acting_user=request.user, week=week)
        meeting_lock(acting_user=request.user, meeting=meeting, reason=data["reason"])
        return _("The week is locked: the plan is frozen and MRP recalculates.")


class MeetingUnlockView(_MeetingPost):
    permission_required = (VIEW_PERMISSION, UNLOCK_PERMISSION)

    def act(self, request, week, data) -> str:
        meeting = meeting_get(week=week)
        if meeting is None:
            raise ApplicationError(f"{week.key} has no meeting to unlock.", {"fields": {"reason": ["No meeting."]}})
        meeting_unlock(acting_user=request.user, meeting=meeting, reason=data["reason"])
        return _("The week is open again on a new draft.")
