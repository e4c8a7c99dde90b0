"""Orders' background work: thin Celery tasks taking ids, enqueued with ``transaction.on_commit``."""

from celery import shared_task
from django.contrib.auth import get_user_model


def _user(user_id: int | None):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


@shared_task(name="orders.dispatch_on_arrival")
def dispatch_on_arrival(shipment_id: int, user_id: int | None = None) -> int | None:
    """Dispatch the waiting demand a receipt at a warehouse can serve; a second run for it does nothing."""
    from logistics.models import LocationKind, Shipment
    from orders.services import dispatch_run

    shipment = Shipment.objects.select_related("to_location").filter(pk=shipment_id).first()
    if shipment is None or shipment.to_location is None or shipment.to_location.kind != LocationKind.WAREHOUSE:
        return None
    run = dispatch_run(acting_user=_user(user_id), warehouse=shipment.to_location, trigger=shipment)
    return run.pk if run else None


@shared_task(name="orders.dispatch_serving")
def dispatch_serving_task(
    item_ids: list[int], region: str | None, trigger: str, user_id: int | None = None
) -> list[int]:
    """Dispatch ``item_ids`` at the warehouses that may serve ``region`` (after an allocation or a payment)."""
    from orders.services import dispatch_serving

    runs = dispatch_serving(acting_user=_user(user_id), item_ids=item_ids, region=region, trigger=trigger)
    return [run.pk for run in runs]


@shared_task(name="orders.meeting_lock_outputs")
def meeting_lock_outputs_task(meeting_id: int) -> int | None:
    """After a meeting locked: the draft purchase orders from its MRP run (again: nothing new)."""
    from orders.services.meeting_outputs import meeting_lock_outputs_make

    meeting = meeting_lock_outputs_make(meeting_id=meeting_id)
    return meeting.pk if meeting else None


EXPIRE_BATCHES_PER_RUN = 20


@shared_task(name="orders.flash_sale_orders_expire")
def flash_sale_orders_expire_task() -> int:
    """Cancel the accepted flash-sale orders whose payment window has closed (Celery beat, every minute)."""
    from orders.services import flash_sale_orders_expire
    from orders.services.flash import EXPIRE_BATCH

    cancelled = 0
    for _ in range(EXPIRE_BATCHES_PER_RUN):
        batch = flash_sale_orders_expire(limit=EXPIRE_BATCH)
        cancelled += batch
        if batch < EXPIRE_BATCH:
            break
    return cancelled
