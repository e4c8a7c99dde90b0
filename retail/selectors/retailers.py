"""Retailer reads: the list with its prepayment figures, one retailer's users, stores and recent orders."""

from __future__ import annotations

from django.db.models import F, QuerySet

from retail.models import Retailer, RetailerOrder, RetailerUser, Store


def retailer_list() -> QuerySet[Retailer]:
    """Retailers with ``balance_cents``, ``held_cents`` and ``available_cents`` of their account (one join)."""
    return Retailer.objects.select_related("prepayment_account").annotate(
        balance_cents=F("prepayment_account__balance_cents"),
        held_cents=F("prepayment_account__held_cents"),
        available_cents=F("prepayment_account__balance_cents") - F("prepayment_account__held_cents"),
    )


def retailer_of_user(user) -> int | None:
    """The retailer id a retailer user acts for; None for everybody else (cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_tempo_retailer_id"):
        user._tempo_retailer_id = RetailerUser.objects.filter(user=user).values_list("retailer_id", flat=True).first()
    return user._tempo_retailer_id


def retailers_visible_to(user, queryset: QuerySet[Retailer] | None = None) -> QuerySet[Retailer]:
    """A retailer user sees only its own retailer; staff see every retailer."""
    queryset = retailer_list() if queryset is None else queryset
    retailer_id = retailer_of_user(user)
    return queryset if retailer_id is None else queryset.filter(pk=retailer_id)


def retailer_users(*, retailer: Retailer) -> QuerySet[RetailerUser]:
    return (
        RetailerUser.objects.filter(retailer=retailer)
        .select_related("user", "invited_by")
        .order_by("-is_admin", "user__email")
    )


def retailer_stores(*, retailer: Retailer) -> QuerySet[Store]:
    return Store.objects.filter(retailer=retailer).select_related("location").order_by("location__code")


def retailer_recent_orders(*, retailer: Retailer, limit: int = 10) -> list[RetailerOrder]:
    return list(RetailerOrder.objects.filter(retailer=retailer).order_by("-created_at", "-pk")[:limit])


def retailer_regions() -> list[str]:
    return list(Retailer.objects.order_by("region").values_list("region", flat=True).distinct())
