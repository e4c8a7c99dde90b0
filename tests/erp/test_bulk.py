"""erp.excel.bulk: history rows written by the database from a queryset, and the paused collector."""

import gc

import pytest
from django.utils import timezone

from erp.excel.bulk import gc_paused, insert_history_from
from erp.models import Item
from tests.erp.factories import ItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_history_rows_from_a_queryset_copy_the_rows_as_they_are():
    user = UserFactory()
    items = [ItemFactory(sku=f"TP-BULK-{n}") for n in range(3)]
    Item.history.all().delete()
    Item.objects.filter(pk__in=[items[0].pk, items[1].pk]).update(name="Renamed")
    started = timezone.now()
    insert_history_from(Item.objects.filter(name="Renamed"), kind="~", user=user, reason="renamed in bulk")
    rows = list(Item.history.order_by("sku"))
    assert [(row.sku, row.name, row.history_type, row.history_change_reason) for row in rows] == [
        ("TP-BULK-0", "Renamed", "~", "renamed in bulk"),
        ("TP-BULK-1", "Renamed", "~", "renamed in bulk"),
    ]
    assert all(row.history_user == user and row.history_date >= started for row in rows)
    assert {row.id for row in rows} == {items[0].pk, items[1].pk}
    insert_history_from(Item.objects.none(), kind="~", user=None, reason="nothing")
    assert Item.history.count() == 2


def test_the_collector_is_paused_inside_and_restored_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()
