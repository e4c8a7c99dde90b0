"""Retail's background work: thin wrappers taking ids, enqueued with ``transaction.on_commit``."""

from celery import shared_task


@shared_task
def retailer_invitations_send_task(user_ids: list[int]) -> int:
    from retail.invitations import invitations_send

    return invitations_send(user_ids=user_ids)
