"""REST for the meeting workbook: ``GET /api/v1/meetings/<YYYY-Www>/workbook/`` (xlsx, the page's download)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from erp.excel.responses import XLSX
from erp.weeks import IsoWeek
from orders.views.meeting_workbook import VIEW_PERMISSION, meeting_workbook_content, xlsx_response


class CanViewMeeting(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(VIEW_PERMISSION))


class MeetingWorkbookApiView(APIView):
    """The whole meeting of the week as one workbook: Summary, Demand, Supply, Shortages, Decisions."""

    permission_classes = [CanViewMeeting]

    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The meeting workbook (.xlsx).")},
        tags=["meetings"],
    )
    def get(self, request, week: str):
        # A malformed week key is an ApplicationError: 400 {"message", "extra"}.
        name, content = meeting_workbook_content(week=IsoWeek.parse(week), user=request.user)
        return xlsx_response(name, content)
