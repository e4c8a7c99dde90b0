"""Staff pages of forecasting: the grid (edit, compare, Excel), versions, generation, forecast vs
actual, demand signals and sales actuals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import IsoWeek
from orders import selectors, services
from orders.filters import DemandSignalFilter, SalesActualFilter
from orders.forms import GenerateForm, UploadForm, VersionCreateForm, WindowForm
from orders.importers import forecast_grid_columns, forecast_grid_import, forecast_grid_rows
from orders.models import ForecastVersion

GRID_WEEKS = WindowForm.DEFAULT_WEEKS


def _cell_name(item_id: int, week: IsoWeek) -> str:
    return f"c-{item_id}-{week.key}"


class ForecastGridView(StaffPageMixin, TemplateView):
    """Products x 12 weeks of a version (``?version=``, default current; ``?start=2026-W48``;
    ``?compare=`` another version). Planners edit the cells and save them in one form;
    ``?format=xlsx`` downloads the grid, which can be uploaded back."""

    permission_required = "orders.view_forecastvalue"
    template_name = "orders/forecast_grid.html"
    posted: dict | None = None
    errors: list[str] | None = None

    @cached_property
    def version(self) -> ForecastVersion | None:
        number = self.request.GET.get("version")
        if not number:
            return selectors.forecast_version_current()
        try:
            return selectors.forecast_version_get(number=number)
        except ApplicationError:
            return None

    @cached_property
    def window(self) -> tuple[WindowForm, IsoWeek, int]:
        form = WindowForm(self.request.GET or None)
        start, weeks = IsoWeek.current(), GRID_WEEKS
        if form.is_bound and form.is_valid():
            start = form.cleaned_data["start"] or start
            weeks = form.cleaned_data["weeks"] or weeks
        return form, start, weeks

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx" and self.version is not None:
            _form, start, weeks = self.window
            header, rows = forecast_grid_rows(version=self.version, from_week=start, weeks=weeks)
            return sheet_response(
                f"tempo-forecast-v{self.version.number}-{start.key}",
                "forecast",
                forecast_grid_columns(header),
                rows,
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perms(["orders.add_forecastvalue", "orders.change_forecastvalue"]):
            raise PermissionDenied("You may not edit forecasts.")
        version = self.version
        if version is None:
            return redirect("forecast-version-list")
        _form, start, weeks = self.window
        _weeks, rows = selectors.forecast_grid(version=version, from_week=start, weeks=weeks)
        week_list = _weeks
        cells, errors, posted = [], [], {}
        for row in rows:
            for week, cell in zip(week_list, row.cells, strict=True):
                name = _cell_name(row.item.pk, week)
                if name not in request.POST:
                    continue
                raw = request.POST[name].strip()
                posted[name] = raw
                if raw == "":
                    continue
                if not raw.isdigit():
                    errors.append(f"{row.item.sku} {week.key}: '{raw[:20]}' is not a whole number of 0 or more.")
                    continue
                quantity = int(raw)
                if quantity != cell.quantity:
                    cells.append(services.CellInput(row.item, week, quantity))
        if not errors and cells:
            try:
                services.forecast_values_set(acting_user=request.user, version=version, cells=cells)
            except ApplicationError as error:
                errors.append(error.message)
        if errors:
            self.posted, self.errors = posted, errors
            response = self.render_to_response(self.get_context_data())
            response.status_code = 400
            return response
        messages.success(request, _("%(count)s forecast values saved.") % {"count": len(cells)})
        return redirect(request.get_full_path())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, start, weeks = self.window
        context.update(window_form=form, version=self.version, versions=selectors.forecast_version_list())
        context["can_edit"] = self.request.user.has_perms(["orders.add_forecastvalue", "orders.change_forecastvalue"])
        if self.version is None:
            return context
        compare = None
        if self.request.GET.get("compare"):
            try:
                compare = selectors.forecast_version_get(number=self.request.GET["compare"])
            except ApplicationError as error:
                context["compare_error"] = error.message
        week_list, rows = selectors.forecast_grid(version=self.version, from_week=start, weeks=weeks, compare=compare)
        posted = self.posted or {}
        for row in rows:
            for week, cell in zip(week_list, row.cells, strict=True):
                cell.name = _cell_name(row.item.pk, week)
                cell.shown = posted.get(cell.name, "" if cell.quantity is None else cell.quantity)
        context.update(
            weeks=week_list,
            rows=rows,
            compare=compare,
            errors=self.errors or [],
            start=start,
            upload_form=UploadForm(),
        )
        return context


class ForecastGridImportView(StaffPageMixin, TemplateView):
    """Upload a grid workbook into a version: all cells or none; errors name their cells."""

    permission_required = ("orders.add_forecastvalue", "orders.change_forecastvalue")
    template_name = "orders/forecast_import.html"
    http_method_names = ["get", "post"]

    def get_version(self):
        try:
            return selectors.forecast_version_get(number=self.kwargs["number"])
        except ApplicationError:
            raise Http404("No such forecast version.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["version"] = self.get_version()
        return context

    def post(self, request, *args, **kwargs):
        version = self.get_version()
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        report = forecast_grid_import(
            acting_user=request.user,
            version=version,
            upload=form.cleaned_data["file"],
            dry_run=bool(request.POST.get("dry_run")),
        )
        if report.ok and not report.dry_run:
            messages.success(request, _("%(count)s forecast values imported.") % {"count": report.written})
            return redirect(f"{reverse('forecast-grid')}?version={version.number}")
        response = self.render_to_response(self.get_context_data(form=form, report=report))
        response.status_code = 200 if report.ok else 400
        return response


class ForecastVersionListView(StaffPageMixin, TemplateView):
    permission_required = "orders.view_forecastversion"
    template_name = "orders/forecast_version_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = selectors.forecast_version_list()
        context.setdefault("form", VersionCreateForm())
        context["can_edit"] = self.request.user.has_perms(
            ["orders.add_forecastversion", "orders.change_forecastversion"]
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perms(["orders.add_forecastversion", "orders.change_forecastversion"]):
            raise PermissionDenied("You may not create forecast versions.")
        make_current = request.POST.get("make_current")
        try:
            if make_current:
                version = selectors.forecast_version_get(number=make_current)
                services.forecast_version_make_current(acting_user=request.user, version=version)
                messages.success(request, _("Version %(number)s is now current.") % {"number": version.number})
                return redirect("forecast-version-list")
            form = VersionCreateForm(request.POST)
            if form.is_valid():
                version = services.forecast_version_create(
                    acting_user=request.user,
                    name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                    copy_current=not form.cleaned_data["empty"],
                )
                messages.success(request, _("Version %(number)s created.") % {"number": version.number})
                return redirect(f"{reverse('forecast-grid')}?version={version.number}")
        except ApplicationError as error:
            form = VersionCreateForm(request.POST)
            form.is_valid()
            form_add_application_error(form, error)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ForecastGenerateView(ServiceFormView):
    permission_required = ("orders.add_forecastvalue", "orders.change_forecastvalue")
    form_class = GenerateForm
    title = _("Generate a forecast")

    def get_initial(self):
        return {"start": IsoWeek.current().key, "weeks": GRID_WEEKS, "method": "moving_average", "n": 4}

    @cached_property
    def version(self) -> ForecastVersion:
        try:
            return selectors.forecast_version_get(number=self.kwargs["number"])
        except ApplicationError:
            raise Http404("No such forecast version.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title}: v{self.version.number} {self.version.name}"
        context["cancel_url"] = f"{reverse('forecast-grid')}?version={self.version.number}"
        return context

    def perform(self, form):
        data = form.cleaned_data
        count = services.forecast_generate(
            acting_user=self.request.user,
            version=self.version,
            method=data["method"],
            n=data["n"],
            from_week=data["start"],
            weeks=data["weeks"],
        )
        messages.success(self.request, _("%(count)s forecast values generated.") % {"count": count})
        return self.version

    def get_success_url_for(self, obj) -> str:
        return f"{reverse('forecast-grid')}?version={obj.number}&start={self.request.POST.get('start', '')}"


class ForecastAccuracyView(StaffPageMixin, TemplateView):
    """Forecast vs actual per product over a window (default the last 12 weeks): MAPE and bias."""

    permission_required = ("orders.view_forecastvalue", "orders.view_salesactual")
    template_name = "orders/forecast_accuracy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WindowForm(self.request.GET or None)
        start, weeks = IsoWeek.current() - GRID_WEEKS, GRID_WEEKS
        if form.is_bound and form.is_valid():
            start = form.cleaned_data["start"] or start
            weeks = form.cleaned_data["weeks"] or weeks
        version = None
        try:
            version = selectors.forecast_version_get(number=self.request.GET.get("version"))
        except ApplicationError as error:
            context["version_error"] = error.message
        context.update(
            window_form=form,
            start=start,
            end=start + (weeks - 1),
            weeks=weeks,
            version=version,
            versions=selectors.forecast_version_list(),
            rows=selectors.forecast_accuracy(version=version, from_week=start, weeks=weeks) if version else [],
        )
        return context


class DemandSignalListView(TempoListView):
    permission_required = "orders.view_demandsignal"
    filterset_class = DemandSignalFilter
    template_name = "orders/demand_signal_list.html"
    sortable = ("week", "item__sku", "source", "value")
    default_sort = "-week"
    queryset = selectors.demand_signal_list()


class SalesActualListView(TempoListView):
    permission_required = "orders.view_salesactual"
    filterset_class = SalesActualFilter
    template_name = "orders/sales_actual_list.html"
    sortable = ("week", "item__sku", "channel", "quantity")
    default_sort = "-week"
    queryset = selectors.sales_actual_list()
