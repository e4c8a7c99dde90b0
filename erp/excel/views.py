"""Staff pages of the Excel engine: the import/export hub, import runs and their results."""

from __future__ import annotations

import os

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView

from erp.errors import ApplicationError
from erp.excel.datasets import dataset_get, dataset_list
from erp.excel.reader import WorkbookError, check_workbook
from erp.excel.responses import XLSX, export_response, template_response
from erp.excel.selectors import import_run_list_for
from erp.excel.services import import_run_commit, import_run_create, import_run_progress
from erp.excel.writer import annotate_upload
from erp.models import ImportRun
from erp.web import StaffPageMixin, TempoListView, form_add_application_error

ANNOTATE_MAX_BYTES = 2 * 1024 * 1024  # openpyxl loads the whole workbook to mark it


def _dataset_or_404(name: str):
    try:
        return dataset_get(name)
    except ApplicationError as error:
        raise Http404(error.message) from error


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset"))
    file = forms.FileField(label=_("Workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, write nothing"), required=False, initial=True
    )

    def __init__(self, *args, datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.name, d.title) for d in datasets]


class ExcelHomeView(StaffPageMixin, FormView):
    template_name = "erp/excel_home.html"
    form_class = UploadForm

    @cached_property
    def datasets(self):
        return [d for d in dataset_list() if d.can_view(self.request.user)]

    def get_initial(self):
        return {"dataset": self.request.GET.get("dataset")}

    def get_form_kwargs(self):
        importable = [d for d in self.datasets if d.can_import(self.request.user)]
        return {**super().get_form_kwargs(), "datasets": importable}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["datasets"] = [(d, d.can_import(self.request.user)) for d in self.datasets]
        context["recent_runs"] = import_run_list_for(self.request.user).filter(created_by=self.request.user)[:10]
        return context

    def form_valid(self, form):
        try:
            run = import_run_create(
                acting_user=self.request.user,
                dataset_name=form.cleaned_data["dataset"],
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
            return self.form_invalid(form)
        return redirect(run.get_absolute_url())


class TemplateDownloadView(StaffPageMixin, View):
    def get(self, request, dataset):
        target = _dataset_or_404(dataset)
        if not target.can_view(request.user):
            raise PermissionDenied
        return template_response(target)


class ExportView(StaffPageMixin, View):
    def get(self, request, dataset):
        target = _dataset_or_404(dataset)
        if not target.can_view(request.user):
            raise PermissionDenied
        try:
            return export_response(target, request.GET)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("excel-home")


class ImportRunFilter(django_filters.FilterSet):
    dataset = django_filters.ChoiceFilter(choices=lambda: [(d.name, d.title) for d in dataset_list()])
    status = django_filters.ChoiceFilter(choices=ImportRun.Status.choices)
    dry_run = django_filters.BooleanFilter()

    class Meta:
        model = ImportRun
        fields = ["dataset", "status", "dry_run"]


class ImportRunListView(TempoListView):
    template_name = "erp/importrun_list.html"
    filterset_class = ImportRunFilter
    sortable = ("created_at", "dataset", "status", "total_rows", "error_count")
    default_sort = "-created_at"

    def get_queryset(self):
        self.queryset = import_run_list_for(self.request.user)
        return super().get_queryset()


class RunAccessMixin(StaffPageMixin):
    def get_run(self) -> ImportRun:
        # Somebody else's run is "not found" unless one may see all runs.
        return get_object_or_404(import_run_list_for(self.request.user), pk=self.kwargs["pk"])


class ImportRunDetailView(RunAccessMixin, DetailView):
    template_name = "erp/importrun_detail.html"
    context_object_name = "run"

    def get_object(self, queryset=None):
        return self.get_run()

    def get_template_names(self):
        if self.request.htmx:
            return ["erp/partials/importrun_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        context["progress_rows"] = import_run_progress(run)
        context["can_commit"] = (
            run.dry_run and run.status == ImportRun.Status.SUCCEEDED and not run.error_count and bool(run.upload)
        )
        context["can_annotate"] = _annotatable(run)
        return context


class ImportRunCommitView(RunAccessMixin, View):
    def post(self, request, pk):
        run = self.get_run()
        try:
            committed = import_run_commit(acting_user=request.user, run=run)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(run.get_absolute_url())
        return redirect(committed.get_absolute_url())


class AnnotatedUploadView(RunAccessMixin, View):
    def get(self, request, pk):
        run = self.get_run()
        if not _annotatable(run):
            raise Http404("No annotated copy for this run.")
        try:
            # The same safety checks as the import: a refused file is never opened by a parser.
            check_workbook(run.upload.path, file_name=run.file_name)
            content = annotate_upload(run.upload.path, run.errors, run.dataset)
        except (WorkbookError, OSError, ValueError, KeyError) as error:
            raise Http404("This upload cannot be annotated.") from error
        stem, _ext = os.path.splitext(run.file_name)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, f"{stem}-errors.xlsx")
        return response


def _annotatable(run: ImportRun) -> bool:
    """Only cell errors can be marked, and only in an upload small enough to load whole."""
    return bool(
        run.upload
        and run.upload.size <= ANNOTATE_MAX_BYTES
        and any(error.get("row") and error.get("column") for error in run.errors)
    )
