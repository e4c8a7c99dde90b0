"""Shipment pages: the list with filters and export, one shipment with its events, lines and stock
moves, and the forms that create, advance, receive and cancel it."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from erp import selectors as erp_selectors
from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from erp.excel.xlsx_stream import SheetColumn
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import business_date
from logistics import selectors, services
from logistics.filters import ShipmentFilter
from logistics.forms import ShipmentEventForm, ShipmentForm, ShipmentReceiveLineForm
from logistics.models import Shipment, StockMove
from logistics.services.shipments import CANCELLABLE, EVENT_FROM, RECEIVABLE

SHIPMENT_COLUMNS = [
    SheetColumn("number", 16),
    SheetColumn("kind", 10),
    SheetColumn("status", 11),
    SheetColumn("from", 12),
    SheetColumn("to", 12),
    SheetColumn("consignee", 16),
    SheetColumn("reference", 18),
    SheetColumn("carrier", 12),
    SheetColumn("tracking_number", 18),
    SheetColumn("sku", 16),
    SheetColumn("quantity", 10, "0"),
    SheetColumn("received", 10, "0"),
    SheetColumn("damaged", 10, "0"),
    SheetColumn("discrepancy", 11),
    SheetColumn("shipped_at", 17),
    SheetColumn("received_at", 17),
]


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


class ShipmentListView(TempoListView):
    permission_required = "logistics.view_shipment"
    filterset_class = ShipmentFilter
    template_name = "logistics/shipment_list.html"
    sortable = ("created_at", "number", "status", "kind", "expected_at", "shipped_at")
    default_sort = "-created_at"

    def get_queryset(self):
        self.queryset = selectors.shipment_list()
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                return super().get(request, *args, **kwargs)
            shipments = filterset.qs.order_by(self.current_sort(), "-pk")
            rows = (
                [
                    s.number,
                    s.kind,
                    s.status,
                    s.from_location.code,
                    s.to_location.code if s.to_location else "",
                    s.consignee,
                    s.reference,
                    s.carrier,
                    s.tracking_number,
                    line.item.sku,
                    line.quantity,
                    line.received_quantity,
                    line.damaged_quantity,
                    line.discrepancy,
                    _when(s.shipped_at),
                    _when(s.received_at),
                ]
                for s in shipments
                for line in s.lines.all()
            )
            return sheet_response(f"tempo-shipments-{business_date()}", "Shipments", SHIPMENT_COLUMNS, rows)
        return super().get(request, *args, **kwargs)


class ShipmentCreateView(ServiceFormView):
    permission_required = ("logistics.view_shipment", "logistics.add_shipment")
    form_class = ShipmentForm
    cancel_url = reverse_lazy("shipment-list")
    title = _("New shipment")
    success_message = _("Shipment %(object)s created.")

    def perform(self, form):
        data = form.cleaned_data
        skus = {sku for sku, _qty in data["lines"]}
        items = {item.sku: item for item in erp_selectors.item_list().filter(sku__in=skus)}
        for sku, _qty in data["lines"]:
            if sku not in items:
                raise ApplicationError(
                    f"No item has the SKU '{sku}'.", {"fields": {"lines": [f"Unknown SKU '{sku}'."]}}
                )

        def location(field):
            code = data[field].strip()
            if not code:
                return None
            try:
                return selectors.location_get(code=code)
            except ApplicationError as error:
                raise ApplicationError(error.message, {"fields": {field: [error.message]}}) from error

        return services.shipment_create(
            acting_user=self.request.user,
            kind=data["kind"],
            from_location=location("from_location"),
            to_location=location("to_location"),
            consignee=data["consignee"],
            reference=data["reference"],
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            lines=[services.ShipmentLineInput(items[sku], qty) for sku, qty in data["lines"]],
        )


class ShipmentDetailView(StaffPageMixin, DetailView):
    permission_required = "logistics.view_shipment"
    template_name = "logistics/shipment_detail.html"
    event_form: ShipmentEventForm | None = None
    receive_forms: list | None = None
    action_error: ApplicationError | None = None

    def get_object(self, queryset=None):
        shipment = selectors.shipment_list().filter(number=self.kwargs["number"].upper()).first()
        if shipment is None:
            raise Http404("No such shipment.")
        return shipment

    def _statuses(self, shipment: Shipment) -> list[str]:
        return [status for status, allowed in EVENT_FROM.items() if shipment.status in allowed]

    def _receive_forms(self, shipment: Shipment, data=None) -> list:
        return [
            (line, ShipmentReceiveLineForm(data, prefix=f"line-{line.pk}", initial={"received": line.quantity}))
            for line in shipment.lines.all()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shipment = self.object
        user = self.request.user
        statuses = self._statuses(shipment)
        context["event_form"] = self.event_form or ShipmentEventForm(
            statuses=statuses, initial={"event_key": f"staff-{uuid.uuid4()}"}
        )
        context["can_post_event"] = bool(statuses) and user.has_perm("logistics.post_shipment_event")
        context["can_receive"] = (
            shipment.to_location_id is not None
            and shipment.status in RECEIVABLE
            and user.has_perm("logistics.receive_shipment")
        )
        context["receive_forms"] = self.receive_forms or self._receive_forms(shipment)
        context["can_cancel"] = shipment.status in CANCELLABLE and user.has_perm("logistics.change_shipment")
        context["moves"] = (
            StockMove.objects.filter(reference__startswith=shipment.number)
            .select_related("item", "from_location", "to_location")
            .order_by("moved_at", "pk")
        )
        context["action_error"] = self.action_error
        context["trail"] = audit_trail(shipment)
        return context

    def refused(self, error: ApplicationError):
        self.action_error = error
        return self.render_to_response(self.get_context_data(object=self.object), status=400)


class ShipmentEventView(ShipmentDetailView):
    http_method_names = ["post"]
    permission_required = ("logistics.view_shipment", "logistics.post_shipment_event")

    def post(self, request, *args, **kwargs):
        self.object = shipment = self.get_object()
        form = ShipmentEventForm(request.POST, statuses=self._statuses(shipment))
        if not form.is_valid():
            self.event_form = form
            return self.refused(ApplicationError(_("Check the event form.")))
        try:
            result = services.shipment_event_post(acting_user=request.user, shipment=shipment, **form.cleaned_data)
        except ApplicationError as error:
            form_add_application_error(form, error)
            self.event_form = form
            return self.refused(error)
        if result.created:
            messages.success(
                request,
                _("%(number)s: %(status)s recorded.")
                % {"number": shipment.number, "status": result.event.get_status_display()},
            )
        return redirect(shipment.get_absolute_url())


class ShipmentReceiveView(ShipmentDetailView):
    http_method_names = ["post"]
    permission_required = ("logistics.view_shipment", "logistics.receive_shipment")

    def post(self, request, *args, **kwargs):
        self.object = shipment = self.get_object()
        pairs = self._receive_forms(shipment, request.POST)
        if not all(form.is_valid() for _line, form in pairs):
            self.receive_forms = pairs
            return self.refused(ApplicationError(_("Check the counts: whole numbers, not negative.")))
        try:
            services.shipment_receive(
                acting_user=request.user,
                shipment=shipment,
                lines=[
                    services.ReceiptLineInput(
                        line.item,
                        form.cleaned_data["received"],
                        form.cleaned_data["damaged"] or 0,
                        form.cleaned_data["discrepancy"] or "",
                        form.cleaned_data["note"],
                    )
                    for line, form in pairs
                ],
            )
        except ApplicationError as error:
            self.receive_forms = pairs
            return self.refused(error)
        messages.success(request, _("%(number)s received.") % {"number": shipment.number})
        return redirect(shipment.get_absolute_url())


class ShipmentCancelView(ShipmentDetailView):
    http_method_names = ["post"]
    permission_required = ("logistics.view_shipment", "logistics.change_shipment")

    def post(self, request, *args, **kwargs):
        self.object = shipment = self.get_object()
        try:
            services.shipment_cancel(acting_user=request.user, shipment=shipment)
        except ApplicationError as error:
            return self.refused(error)
        messages.success(request, _("%(number)s cancelled.") % {"number": shipment.number})
        return redirect(shipment.get_absolute_url())
