"""Staff pages of factories and the production schedule: factory list/detail/forms, capacity,
schedule versions as a grid (editable while draft), locking, the diff and the factories' weekly
order sheets (xlsx)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView, View

from erp import selectors as erp_selectors
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.models import Item
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import IsoWeek
from logistics import selectors, services
from logistics.models import WORKING_DAYS_PATTERN, Factory

# --- forms (shape only; the rules live in the services) -------------------------------------


class FactoryForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.CharField(label=_("Country"), min_length=2, max_length=2, initial="CN")
    working_days = forms.RegexField(
        label=_("Working days"),
        regex=WORKING_DAYS_PATTERN,
        initial="1111110",
        help_text=_("Seven 0/1 flags, Monday first: 1111110 works Monday to Saturday."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class FactoryUpdateForm(FactoryForm):
    code = None


class CapacityForm(forms.Form):
    sku = forms.CharField(label=_("Product SKU"), max_length=64)
    weekly_capacity = forms.IntegerField(label=_("Weekly capacity"))


class LockForm(forms.Form):
    reason = forms.CharField(
        label=_("Why lock it"), max_length=500, help_text=_("E.g. 'Weekly order meeting 2026-W48'.")
    )


# --- factories ---------------------------------------------------------------------------------


class FactoryListView(TempoListView):
    permission_required = "logistics.view_factory"
    template_name = "logistics/factory_list.html"
    model = Factory
    filterset_fields = ["is_active", "country"]
    sortable = ("code", "name", "country")
    default_sort = "code"

    def get_queryset(self):
        self.queryset = selectors.factory_list()
        return super().get_queryset()


class FactoryDetailView(StaffPageMixin, DetailView):
    permission_required = "logistics.view_factory"
    template_name = "logistics/factory_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    capacity_form = None

    def get_queryset(self):
        return selectors.factory_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["capacities"] = self.object.capacities.all()
        if self.request.user.has_perm("logistics.change_factorycapacity"):
            context["capacity_form"] = self.capacity_form or CapacityForm()
        version = selectors.schedule_current_locked()
        context["locked_version"] = version
        current = IsoWeek.current()
        context["sheet_weeks"] = [current + n for n in range(4)]
        return context


class FactoryCapacitySetView(FactoryDetailView):
    """The capacity form on the factory page posts here; a refusal shows on the page, nothing written."""

    permission_required = (
        "logistics.view_factory",
        "logistics.change_factorycapacity",
        "logistics.add_factorycapacity",
    )
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                item = erp_selectors.item_list().filter(sku=form.cleaned_data["sku"].strip().upper()).first()
                if item is None:
                    raise ApplicationError(
                        f"No item has the SKU '{form.cleaned_data['sku']}'.", {"fields": {"sku": ["Unknown SKU."]}}
                    )
                services.factory_capacity_set(
                    acting_user=request.user,
                    factory=self.object,
                    item=item,
                    weekly_capacity=form.cleaned_data["weekly_capacity"],
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, _("Capacity saved."))
                return redirect("factory-detail", self.object.code)
        self.capacity_form = form
        response = self.render_to_response(self.get_context_data(object=self.object))
        response.status_code = 400
        return response


class FactoryCreateView(ServiceFormView):
    permission_required = "logistics.add_factory"
    form_class = FactoryForm
    title = _("New factory")
    cancel_url = reverse_lazy("factory-list")
    success_message = _("Factory %(object)s created.")

    def perform(self, form):
        return services.factory_create(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url_for(self, obj) -> str:
        return reverse("factory-detail", args=[obj.code])


class FactoryUpdateView(ServiceFormView):
    permission_required = ("logistics.view_factory", "logistics.change_factory")
    form_class = FactoryUpdateForm
    success_message = _("Factory %(object)s saved.")

    def dispatch(self, request, *args, **kwargs):
        self.factory = Factory.objects.filter(code=kwargs["code"].upper()).first()
        if self.factory is None:
            raise Http404
        self.title = _("Edit factory %(code)s") % {"code": self.factory.code}
        self.cancel_url = reverse("factory-detail", args=[self.factory.code])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        f = self.factory
        return {"name": f.name, "country": f.country, "working_days": f.working_days, "is_active": f.is_active}

    def perform(self, form):
        return services.factory_update(acting_user=self.request.user, factory=self.factory, **form.cleaned_data)

    def get_success_url_for(self, obj) -> str:
        return reverse("factory-detail", args=[obj.code])


# --- the schedule -------------------------------------------------------------------------------


class ScheduleVersionListView(StaffPageMixin, ListView):
    permission_required = "logistics.view_scheduleversion"
    template_name = "logistics/schedule_version_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.schedule_version_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["draft"] = selectors.schedule_draft()
        return context

    def post(self, request, *args, **kwargs):
        """Start the next draft (a copy of the latest locked version)."""
        if not request.user.has_perm("logistics.add_scheduleversion"):
            raise PermissionDenied("You cannot start a draft.")
        try:
            draft = services.schedule_draft_create(acting_user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("schedule-version-list")
        messages.success(request, _("Draft version %(number)s started.") % {"number": draft.number})
        return redirect(draft.get_absolute_url())


def _cell_name(item_id: int, factory_id: int, week: IsoWeek) -> str:
    return f"c-{item_id}-{factory_id}-{week.key}"


class ScheduleVersionDetailView(StaffPageMixin, TemplateView):
    """A version as a grid (rows product x factory, columns weeks); the draft's grid is one form."""

    permission_required = "logistics.view_scheduleversion"
    template_name = "logistics/schedule_version_detail.html"
    errors: list[str] | None = None
    posted: dict | None = None

    def get_version(self):
        try:
            return selectors.schedule_version_get(number=self.kwargs["number"])
        except ApplicationError as error:
            raise Http404(error.message) from error

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.version
        grid = selectors.schedule_grid(version=version)
        editable = version.is_draft and self.request.user.has_perm("logistics.change_scheduleline")
        posted = self.posted or {}
        rows = []
        for row in grid.rows:
            cells = []
            for week, value in zip(grid.weeks, row.cells, strict=True):
                name = _cell_name(row.item.pk, row.factory.pk, week)
                cells.append({"name": name, "value": posted.get(name, value), "week": week})
            rows.append({"item": row.item, "factory": row.factory, "cells": cells})
        context.update(
            version=version,
            weeks=grid.weeks,
            rows=rows,
            editable=editable,
            can_lock=version.is_draft and self.request.user.has_perm("logistics.lock_scheduleversion"),
            grid_errors=self.errors or [],
        )
        return context

    def get(self, request, *args, **kwargs):
        self.version = self.get_version()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Save every changed cell of the draft at once: all or nothing."""
        self.version = self.get_version()
        if not request.user.has_perm("logistics.change_scheduleline"):
            raise PermissionDenied("You cannot edit the schedule.")
        grid = selectors.schedule_grid(version=self.version)
        factories = {row.factory.pk: row.factory for row in grid.rows}
        items: dict[int, Item] = {row.item.pk: row.item for row in grid.rows}
        changes, errors = [], []
        for row in grid.rows:
            for week, value in zip(grid.weeks, row.cells, strict=True):
                name = _cell_name(row.item.pk, row.factory.pk, week)
                raw = request.POST.get(name)
                if raw is None:
                    continue
                raw = raw.strip()
                if raw == "" and value is None:
                    continue
                where = f"{row.item.sku} at {row.factory.code} in {week.key}"
                try:
                    quantity = int(raw or 0)
                except ValueError:
                    errors.append(f"{where}: '{raw}' is not a whole number.")
                    continue
                if quantity != (value or 0) or (value is None and quantity):
                    changes.append((row.factory.pk, row.item.pk, week, quantity))
        if not errors:
            try:
                with transaction.atomic():
                    for factory_id, item_id, week, quantity in changes:
                        services.schedule_line_set(
                            acting_user=request.user,
                            version=self.version,
                            factory=factories[factory_id],
                            item=items[item_id],
                            week=week,
                            quantity=quantity,
                        )
            except ApplicationError as error:
                errors.append(error.message)
        if errors:
            self.errors, self.posted = errors, {k: v for k, v in request.POST.items() if k.startswith("c-")}
            response = self.render_to_response(self.get_context_data())
            response.status_code = 400
            return response
        messages.success(request, _("%(count)s cells saved.") % {"count": len(changes)})
        return redirect(self.version.get_absolute_url())


class ScheduleLockView(ServiceFormView):
    permission_required = ("logistics.view_scheduleversion", "logistics.lock_scheduleversion")
    form_class = LockForm
    success_message = _("Version %(object)s locked.")

    def dispatch(self, request, *args, **kwargs):
        try:
            self.version = selectors.schedule_version_get(number=kwargs["number"])
        except ApplicationError as error:
            raise Http404(error.message) from error
        self.title = _("Lock schedule version %(number)s") % {"number": self.version.number}
        self.cancel_url = self.version.get_absolute_url()
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.schedule_lock(acting_user=self.request.user, version=self.version, **form.cleaned_data)


class ScheduleDiffView(StaffPageMixin, TemplateView):
    """Two versions side by side: the grid of the newer one, changed cells highlighted with the old value."""

    permission_required = "logistics.view_scheduleversion"
    template_name = "logistics/schedule_diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            new = selectors.schedule_version_get(number=self.request.GET.get("b") or self.kwargs["number"])
            against = self.request.GET.get("a") or (new.based_on.number if new.based_on_id else "")
            old = selectors.schedule_version_get(number=against)
        except ApplicationError as error:
            raise Http404(error.message) from error
        cells = selectors.schedule_diff(old, new)
        weeks = sorted({c.week for c in cells})
        rows: dict[tuple[str, str], dict[str, object]] = {}
        for c in cells:
            rows.setdefault((c.sku, c.factory), {})[c.week] = c
        context.update(
            old=old,
            new=new,
            weeks=weeks,
            rows=[
                {"sku": sku, "factory": code, "cells": [by_week.get(w) for w in weeks]}
                for (sku, code), by_week in sorted(rows.items())
            ],
            changed=sum(1 for c in cells if c.changed),
            versions=selectors.schedule_version_list(),
        )
        return context


class FactoryOrderSheetView(StaffPageMixin, View):
    """One factory's weekly order sheet from a version (default: the locked one): days x products."""

    permission_required = ("logistics.view_scheduleversion", "logistics.view_factory")

    def get(self, request, code: str, week: str):
        factory = Factory.objects.filter(code=code.upper()).first()
        try:
            iso = IsoWeek.parse(week)
            number = request.GET.get("version")
            version = selectors.schedule_version_get(number=number) if number else selectors.schedule_current_locked()
        except ApplicationError as error:
            raise Http404(error.message) from error
        if factory is None or version is None:
            raise Http404("No such factory or no locked schedule.")
        return order_sheet_response(factory=factory, version=version, week=iso)


def order_sheet_response(*, factory: Factory, version, week: IsoWeek):
    """The order sheet workbook, for staff (this page) and for the factory's own token (the API)."""
    columns, rows = selectors.factory_order_sheet_table(factory=factory, version=version, week=week)
    return sheet_response(f"order-sheet-{factory.code}-{week.key}-v{version.number}", week.key, columns, rows)
