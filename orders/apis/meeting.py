"""REST for the weekly order meeting, for tools that prepare or follow it.

- ``GET /api/v1/meetings/<YYYY-Www>/``: the grid (per product: stock, capacity, margin, shortages, last
  week's actuals and the 12 weeks), the meeting's status and its decisions: ``orders.view_meetingweek``;
- ``POST /api/v1/meetings/<week>/cells/ {"sku", "week", "quantity", "expected", "comment"}``: set a
  planned-production cell (``expected`` is the value the caller last saw; a different current value is a
  400 with code ``stale``): ``orders.change_meetingweek``; 200 with the product's updated row;
- ``GET/POST /api/v1/meetings/<week>/decisions/ {"text", "reason", "sku", "week"}``:
  ``orders.add_meetingdecision`` to record one;
- ``POST /api/v1/meetings/<week>/lock/`` and ``.../unlock/ {"reason"}``: ``orders.change_meetingweek`` and
  ``orders.unlock_meetingweek``.
"""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from orders.apis.common import MAX_QTY, WeekField, items_by_sku
from orders.models import MeetingDecision, MeetingWeek
from orders.selectors.meeting import meeting_decisions, meeting_get, meeting_grid, meeting_lock_outputs
from orders.selectors.meeting_types import MeetingRow
from orders.services.meeting import meeting_cell_set, meeting_decision_add, meeting_lock, meeting_open, meeting_unlock

VIEW, EDIT, DECIDE, UNLOCK = (
    "orders.view_meetingweek",
    "orders.change_meetingweek",
    "orders.add_meetingdecision",
    "orders.unlock_meetingweek",
)


def _needs(*perms: str) -> type[BasePermission]:
    class Needs(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            wanted = (VIEW,) if request.method in ("GET", "HEAD", "OPTIONS") else perms
            return bool(user and user.is_authenticated and user.has_perms(wanted))

    return Needs


def _week(key: str) -> IsoWeek:
    try:
        return IsoWeek.parse(key)
    except ApplicationError as error:
        raise Http404(error.message) from error


MONEY = ("unit_cost", "list_price", "margin")


def row_data(row: MeetingRow) -> dict:
    return {
        "sku": row.item.sku,
        "name": row.item.name,
        "family": row.item.family,
        "factories": row.factory_codes,
        "on_hand": row.on_hand,
        "available": row.available,
        "weekly_capacity": row.capacity,
        "unit_cost": None if row.unit_cost is None else str(row.unit_cost),
        "list_price": None if row.list_price is None else str(row.list_price),
        "margin": None if row.margin is None else str(row.margin),
        "last_week": {
            "sales": row.last_week.sales,
            "sell_through": row.last_week.sell_through,
            "produced": row.last_week.produced,
        },
        "shortages": {
            "count": row.shortages.count,
            "worst_sku": row.shortages.worst_sku,
            "weeks_late": row.shortages.weeks_late,
        },
        "owner_roles": sorted(row.owner_roles),
        "weeks": [
            {
                "week": cell.week.key,
                "forecast": cell.forecast,
                "online": cell.online,
                "retailer": cell.retailer,
                "demand": cell.demand,
                "planned": cell.planned,
                "previous_planned": cell.previous_planned,
                "supply": cell.supply,
                "suggested": cell.suggested,
                "projected_inventory": cell.projected,
                "days_of_supply": None if cell.days_of_supply is None else str(cell.days_of_supply),
                "capacity_shortfall": cell.capacity_shortfall,
            }
            for cell in row.cells
        ],
    }


class DecisionSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True, default=None, allow_null=True)
    week = WeekField(source="plan_week", read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = MeetingDecision
        fields = ["id", "text", "reason", "sku", "week", "decided_by", "created_at"]
        read_only_fields = fields


def _meeting_data(week: IsoWeek, meeting: MeetingWeek | None) -> dict:
    outputs = meeting_lock_outputs(meeting=meeting) if meeting else None
    return {
        "week": week.key,
        "status": meeting.status if meeting else MeetingWeek.Status.OPEN,
        "locked_by": meeting.locked_by.username if meeting and meeting.locked_by else None,
        "locked_at": meeting.locked_at if meeting else None,
        "order_sheets": [
            {
                "factory": sheet.factory.code,
                "version": sheet.version.number,
                "lines": sheet.lines,
                "units": sheet.units,
                "first_downloaded_at": sheet.first_downloaded_at,
            }
            for sheet in (outputs.sheets if outputs else [])
        ],
        "draft_purchase_orders": [order.number for order in (outputs.purchase_orders if outputs else [])],
        "outputs_pending": bool(outputs and outputs.pending),
        "outputs_note": outputs.note if outputs else "",
    }


_outputs = {
    "order_sheets": inline_serializer(
        "MeetingOrderSheet",
        {
            "factory": serializers.CharField(),
            "version": serializers.IntegerField(),
            "lines": serializers.IntegerField(),
            "units": serializers.IntegerField(),
            "first_downloaded_at": serializers.DateTimeField(allow_null=True),
        },
        many=True,
    ),
    "draft_purchase_orders": serializers.ListField(child=serializers.CharField()),
    "outputs_pending": serializers.BooleanField(),
    "outputs_note": serializers.CharField(allow_blank=True),
}


def _decimal() -> serializers.CharField:
    # Decimals go out as strings (exact), as everywhere else in the API.
    return serializers.CharField(allow_null=True, help_text="decimal as a string, or null")


_week_cells = inline_serializer(
    "MeetingWeekCell",
    {
        "week": serializers.CharField(),
        **{
            f: serializers.IntegerField()
            for f in ("forecast", "online", "retailer", "demand", "planned", "supply", "suggested")
        },
        "previous_planned": serializers.IntegerField(allow_null=True),
        "projected_inventory": serializers.IntegerField(),
        "days_of_supply": _decimal(),
        "capacity_shortfall": serializers.IntegerField(),
    },
    many=True,
)
_product_row = inline_serializer(
    "MeetingProduct",
    {
        "sku": serializers.CharField(),
        "name": serializers.CharField(),
        "family": serializers.CharField(),
        "factories": serializers.ListField(child=serializers.CharField()),
        "on_hand": serializers.IntegerField(),
        "available": serializers.IntegerField(),
        # None when no factory has a capacity for the product (as in the plan's rows).
        "weekly_capacity": serializers.IntegerField(allow_null=True),
        **{f: _decimal() for f in MONEY},
        "last_week": inline_serializer(
            "MeetingLastWeek", {f: serializers.IntegerField() for f in ("sales", "sell_through", "produced")}
        ),
        "shortages": inline_serializer(
            "MeetingShortages",
            {
                "count": serializers.IntegerField(),
                "worst_sku": serializers.CharField(allow_blank=True),
                "weeks_late": serializers.IntegerField(),
            },
        ),
        "owner_roles": serializers.ListField(child=serializers.CharField()),
        "weeks": _week_cells,
    },
)
_grid = inline_serializer(
    "MeetingGrid",
    {
        "week": serializers.CharField(),
        "status": serializers.CharField(),
        "locked_by": serializers.CharField(allow_null=True),
        "locked_at": serializers.DateTimeField(allow_null=True),
        **_outputs,
        "schedule_version": serializers.IntegerField(allow_null=True),
        "previous_schedule_version": serializers.IntegerField(allow_null=True),
        "products": type(_product_row)(many=True),
        "decisions": DecisionSerializer(many=True),
    },
)


class MeetingView(APIView):
    """The meeting of one week: the grid everybody edits, its status and decisions."""

    permission_classes = [_needs(VIEW)]

    @extend_schema(responses={200: _grid}, tags=["meetings"])
    def get(self, request, week):
        week = _week(week)
        grid = meeting_grid(week=week, user=request.user)
        meeting = meeting_get(week=week)
        decisions = list(meeting_decisions(meeting=meeting)) if meeting else []
        return Response(
            {
                **_meeting_data(week, meeting),
                "schedule_version": grid.schedule_number,
                "previous_schedule_version": grid.previous_schedule_number,
                "products": [row_data(row) for row in grid.rows],
                "decisions": DecisionSerializer(decisions, many=True).data,
            }
        )


class CellInput(StrictInputSerializer):
    sku = serializers.CharField(max_length=64)
    week = WeekField()
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QTY)
    expected = serializers.IntegerField(min_value=0, max_value=MAX_QTY)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MeetingCellsView(APIView):
    permission_classes = [_needs(VIEW, EDIT)]

    @extend_schema(request=CellInput, responses={200: _product_row}, tags=["meetings"])
    def post(self, request, week):
        week = _week(week)
        data = CellInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        item = items_by_sku([fields["sku"]])[fields["sku"].strip().upper()]
        with transaction.atomic():  # a refused edit leaves no meeting opened behind it
            meeting = meeting_open(acting_user=request.user, week=week)
            meeting_cell_set(
                acting_user=request.user,
                meeting=meeting,
                item=item,
                plan_week=fields["week"],
                quantity=fields["quantity"],
                expected=fields["expected"],
                comment=fields["comment"],
                source="api",
            )
        (row,) = meeting_grid(week=week, item_ids=[item.pk]).rows
        return Response(row_data(row))


class DecisionInput(StrictInputSerializer):
    text = serializers.CharField(max_length=500)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    sku = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    week = WeekField(required=False, allow_null=True, default=None)


class MeetingDecisionsView(APIView):
    permission_classes = [_needs(VIEW, DECIDE)]

    @extend_schema(responses={200: DecisionSerializer(many=True)}, tags=["meetings"])
    def get(self, request, week):
        meeting = meeting_get(week=_week(week))
        decisions = list(meeting_decisions(meeting=meeting)) if meeting else []
        return Response(DecisionSerializer(decisions, many=True).data)

    @extend_schema(request=DecisionInput, responses={201: DecisionSerializer}, tags=["meetings"])
    def post(self, request, week):
        week = _week(week)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        item = items_by_sku([fields["sku"]])[fields["sku"].strip().upper()] if fields["sku"].strip() else None
        with transaction.atomic():
            meeting = meeting_open(acting_user=request.user, week=week)
            decision = meeting_decision_add(
                acting_user=request.user,
                meeting=meeting,
                text=fields["text"],
                reason=fields["reason"],
                item=item,
                plan_week=fields["week"],
            )
        decision = meeting_decisions(meeting=meeting).get(pk=decision.pk)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class ReasonInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=400)


_status = inline_serializer(
    "MeetingStatus",
    {
        "week": serializers.CharField(),
        "status": serializers.CharField(),
        "locked_by": serializers.CharField(allow_null=True),
        "locked_at": serializers.DateTimeField(allow_null=True),
        **_outputs,
    },
)


class MeetingLockView(APIView):
    permission_classes = [_needs(VIEW, EDIT)]

    @extend_schema(request=ReasonInput, responses={200: _status}, tags=["meetings"])
    def post(self, request, week):
        week = _week(week)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            meeting = meeting_open(acting_user=request.user, week=week)
            meeting_lock(acting_user=request.user, meeting=meeting, reason=data.validated_data["reason"])
        # Read after commit: the draft purchase orders are made then (at once when Celery runs eagerly).
        return Response(_meeting_data(week, meeting_get(week=week)))


class MeetingUnlockView(APIView):
    permission_classes = [_needs(VIEW, UNLOCK)]

    @extend_schema(request=ReasonInput, responses={200: _status}, tags=["meetings"])
    def post(self, request, week):
        week = _week(week)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_get(week=week)
        if meeting is None:
            raise Http404(f"{week.key} has no meeting.")
        meeting = meeting_unlock(acting_user=request.user, meeting=meeting, reason=data.validated_data["reason"])
        return Response(_meeting_data(week, meeting))
