"""Shipment reads, with what their pages and API show prefetched."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from logistics.models import Shipment, ShipmentEvent, ShipmentLine
from logistics.selectors.production import factory_of_user


def shipment_list(*, user=None) -> QuerySet[Shipment]:
    """Shipments, newest first; a factory's integration user sees only those leaving its factory's stores."""
    queryset = Shipment.objects.select_related("from_location", "to_location", "created_by").prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("item").order_by("pk")),
        Prefetch("events", queryset=ShipmentEvent.objects.order_by("occurred_at", "pk")),
    )
    factory_id = factory_of_user(user) if user is not None else None
    return queryset if factory_id is None else queryset.filter(from_location__factory_id=factory_id)


def shipment_find(*, value: str, user=None) -> Shipment | None:
    """A shipment by number, or by tracking number when that is unambiguous."""
    value = value.strip()
    queryset = shipment_list(user=user)
    found = queryset.filter(number=value.upper()).first()
    if found is not None:
        return found
    matches = list(queryset.filter(tracking_number=value)[:2])
    return matches[0] if len(matches) == 1 else None
