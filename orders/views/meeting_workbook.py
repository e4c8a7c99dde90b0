"""The meeting workbook pages: download the whole meeting as one workbook, upload an edited copy back.

The upload is two steps. POST a file: it is read against the current grid (nothing is written) and the
page lists every cell change (product, week, old -> new); the file is kept under MEDIA_ROOT and a signed
token carries its name and the changes as listed. POST the token ("Apply"): the stored file is read again,
any listed cell whose value moved since the dry run is refused by name, and the changes are applied all
or nothing by ``meeting_changes_apply``. Every refusal is a form error on the page; nothing is written.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.excel.responses import XLSX
from erp.web import StaffPageMixin, form_add_application_error
from erp.weeks import IsoWeek
from orders.meeting_workbook import (
    meeting_changes_moved,
    meeting_upload_discard,
    meeting_upload_stash,
    meeting_upload_unstash,
    meeting_workbook_build,
    meeting_workbook_filename,
    meeting_workbook_read,
)
from orders.selectors.meeting import meeting_decisions, meeting_get, meeting_grid
from orders.services.meeting import meeting_changes_apply, meeting_open

VIEW_PERMISSION = "orders.view_meetingweek"
EDIT_PERMISSION = "orders.change_meetingweek"


def week_or_404(key: str) -> IsoWeek:
    try:
        return IsoWeek.parse(key)
    except ApplicationError as error:
        raise Http404(error.message) from error


def meeting_workbook_content(*, week: IsoWeek, user=None) -> tuple[str, bytes]:
    """File name and bytes of the meeting workbook of ``week`` (the page and the API share it)."""
    grid = meeting_grid(week=week, user=user)
    meeting = meeting_get(week=week)
    decisions = list(meeting_decisions(meeting=meeting)) if meeting else []
    return meeting_workbook_filename(grid), meeting_workbook_build(grid=grid, decisions=decisions)


def xlsx_response(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


class MeetingWorkbookView(StaffPageMixin, View):
    permission_required = VIEW_PERMISSION

    def get(self, request, week):
        name, content = meeting_workbook_content(week=week_or_404(week), user=request.user)
        return xlsx_response(name, content)


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Edited meeting workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class WorkbookApplyForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment (saved with every change)"), max_length=500, required=False)


class MeetingUploadView(StaffPageMixin, TemplateView):
    permission_required = (VIEW_PERMISSION, EDIT_PERMISSION)
    template_name = "orders/meeting_upload.html"
    http_method_names = ["get", "post"]

    def get_week(self) -> IsoWeek:
        return week_or_404(self.kwargs["week"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", WorkbookUploadForm())
        context["week"] = self.get_week()
        return context

    def _refused(self, form, error: ApplicationError):
        form_add_application_error(form, error)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response

    def _apply_refused(self, error: ApplicationError):
        """The apply step has no file field to attach errors to: they are listed above a fresh upload form."""
        problems = error.field_errors.get("file") or [error.message]
        response = self.render_to_response(self.get_context_data(problems=problems))
        response.status_code = 400
        return response

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.apply(request)
        week = self.get_week()
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        upload = form.cleaned_data["file"]
        grid = meeting_grid(week=week, user=request.user)
        try:
            changes = meeting_workbook_read(upload=upload, grid=grid)
        except ApplicationError as error:
            return self._refused(form, error)
        token = meeting_upload_stash(upload=upload, user_id=request.user.pk, week=week, changes=changes)
        names = {row.item.sku: row.item.name for row in grid.rows}
        listed = [(change, names.get(change.sku, "")) for change in changes]
        apply_form = WorkbookApplyForm(initial={"token": token})
        return self.render_to_response(self.get_context_data(form=form, changes=listed, apply_form=apply_form))

    def apply(self, request):
        week = self.get_week()
        form = WorkbookApplyForm(request.POST)
        if not form.is_valid():
            return self._apply_refused(ApplicationError(_("The dry run is incomplete; upload the workbook again.")))
        token = form.cleaned_data["token"]
        try:
            stashed = meeting_upload_unstash(token=token, user_id=request.user.pk, week=week)
            grid = meeting_grid(week=week, user=request.user)
            meeting_workbook_read(upload=stashed.path, grid=grid)  # the stored file is still a clean workbook
            moved = meeting_changes_moved(stashed=stashed.changes, grid=grid)
            if moved:
                raise ApplicationError(
                    moved[0] if len(moved) == 1 else f"{len(moved)} cells changed since the dry run: {moved[0]}",
                    {"fields": {"file": moved}},
                )
            meeting = meeting_get(week=week) or meeting_open(acting_user=request.user, week=week)
            count = meeting_changes_apply(
                acting_user=request.user,
                meeting=meeting,
                changes=stashed.changes,
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            return self._apply_refused(error)
        meeting_upload_discard(token=token)
        messages.success(request, _("%(count)s planned production cells changed from the workbook.") % {"count": count})
        return redirect(reverse("meeting-week", kwargs={"week": week.key}))
