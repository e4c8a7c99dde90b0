from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.errors import ApplicationError
from procurement import selectors, services
from procurement.models import BomLine
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import AssemblyFactory, BomLineFactory

pytestmark = pytest.mark.django_db

JAN, JUL = date(2026, 1, 1), date(2026, 7, 1)


def add(parent, child, qty="1", **extra):
    fields = {"acting_user": None, "parent": parent, "child": child, "qty_per": Decimal(qty), "valid_from": JAN}
    fields.update(extra)
    return services.bom_line_create(**fields)


@pytest.mark.parametrize(
    "values",
    [{"qty_per": Decimal(0)}, {"qty_per": Decimal(-1)}, {"scrap_pct": Decimal(-1)}, {"scrap_pct": Decimal(100)}],
)
def test_database_refuses_bad_lines(values):
    line = BomLineFactory.build(parent=ProductFactory(), child=ItemFactory(), **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_database_refuses_a_line_to_itself():
    item = AssemblyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BomLineFactory(parent=item, child=item)


def test_create_is_audited():
    line = add(ProductFactory(), ItemFactory(), "2.5", scrap_pct=Decimal("1.5"))
    assert line.qty_per == Decimal("2.5")
    assert line.history.get().history_change_reason == "created"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"qty_per": Decimal(0)}, "qty_per"),
        ({"qty_per": Decimal("-2")}, "qty_per"),
        ({"scrap_pct": Decimal("100")}, "scrap_pct"),
        ({"valid_to": date(2025, 12, 1)}, "valid_to"),
    ],
)
def test_bad_values_are_refused_naming_the_field(extra, field):
    with pytest.raises(ApplicationError) as caught:
        add(ProductFactory(), ItemFactory(), **extra)
    assert field in caught.value.field_errors
    assert not BomLine.objects.exists()


def test_kinds_are_checked():
    with pytest.raises(ApplicationError, match="is a component"):
        add(ItemFactory(), ItemFactory())
    with pytest.raises(ApplicationError, match="is a product"):
        add(ProductFactory(), ProductFactory())


def test_overlapping_periods_are_refused_and_ended_lines_allow_a_new_one():
    phone, screw = ProductFactory(), ItemFactory()
    first = add(phone, screw, "4")
    with pytest.raises(ApplicationError, match="overlaps") as caught:
        add(phone, screw, "5", valid_from=JUL)
    assert caught.value.extra["conflicting_line_id"] == first.pk
    services.bom_line_update(acting_user=None, line=first, valid_to=date(2026, 6, 30))
    add(phone, screw, "5", valid_from=JUL)
    assert BomLine.objects.count() == 2


def test_a_cycle_is_refused_with_the_path_that_would_loop():
    phone, board, module, chip = ProductFactory(), AssemblyFactory(sku="AS-BOARD"), AssemblyFactory(sku="AS-MOD"), None
    chip = AssemblyFactory(sku="AS-CHIP")
    add(phone, board)
    add(board, module)
    add(module, chip)
    with pytest.raises(ApplicationError) as caught:
        add(chip, board)
    assert caught.value.extra["cycle"] == ["AS-CHIP", "AS-BOARD", "AS-MOD", "AS-CHIP"]
    assert "AS-CHIP -> AS-BOARD -> AS-MOD -> AS-CHIP" in caught.value.message
    assert BomLine.objects.count() == 3


def test_a_shared_part_in_two_branches_is_not_a_cycle():
    phone, left, right, screw = ProductFactory(), AssemblyFactory(), AssemblyFactory(), ItemFactory()
    add(phone, left)
    add(phone, right)
    add(left, screw)
    add(right, screw)
    assert BomLine.objects.count() == 4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=20), st.integers(0, 6), st.integers(0, 6))
def test_cycle_path_is_found_exactly_when_the_child_reaches_the_parent(edges, parent, child):
    edges = [(a, b) for a, b in edges if a != b]
    children = {}
    for a, b in edges:
        children.setdefault(a, []).append(b)
    path = services.bom_cycle_path(parent_id=parent, child_id=child, children=children)
    reachable, frontier = {child}, [child]
    while frontier:
        node = frontier.pop()
        for a, b in edges:
            if a == node and b not in reachable:
                reachable.add(b)
                frontier.append(b)
    assert (path is not None) == (parent in reachable)
    if path is not None:
        assert path[0] == path[-1] == parent
        hops = list(pairwise(path))
        assert hops[0] == (parent, child)
        assert all(hop in edges for hop in hops[1:])


def test_update_keeps_items_and_refuses_unknown_fields():
    line = add(ProductFactory(), ItemFactory())
    with pytest.raises(ApplicationError, match="cannot be changed"):
        services.bom_line_update(acting_user=None, line=line, child=ItemFactory())
    updated = services.bom_line_update(acting_user=None, line=line, qty_per=Decimal("3"), scrap_pct=Decimal("2"))
    assert (updated.qty_per, updated.scrap_pct) == (Decimal("3"), Decimal("2"))
    assert updated.history.count() == 2


def test_delete_keeps_the_history():
    line = add(ProductFactory(), ItemFactory())
    services.bom_line_delete(acting_user=None, line=line, reason="typo")
    assert not BomLine.objects.exists()
    assert BomLine.history.filter(history_type="-").get().history_change_reason == "typo"


def test_explode_lists_the_tree_depth_first_with_quantities_in_the_top_item():
    phone, board, screw, chip = (
        ProductFactory(),
        AssemblyFactory(sku="AS-B"),
        ItemFactory(sku="SCREW"),
        ItemFactory(sku="CHIP"),
    )
    add(phone, board, "2", scrap_pct=Decimal("10"))
    add(board, chip, "3")
    add(phone, screw, "12")
    add(phone, ItemFactory(sku="OLD"), "1", valid_to=date(2026, 3, 1))
    lines = list(selectors.bom_explode(item_id=phone.pk, on=JUL))
    assert [(line.row.sku, line.depth, line.qty_in_top) for line in lines] == [
        ("AS-B", 1, Decimal("2.2")),
        ("CHIP", 2, Decimal("6.6")),
        ("SCREW", 1, Decimal("12")),
    ]
    assert lines[0].has_children and not lines[1].has_children


def test_explode_reads_the_structure_in_one_query(django_assert_num_queries):
    phone = ProductFactory()
    parent = phone
    for _ in range(4):
        assembly = AssemblyFactory()
        add(parent, assembly)
        for _ in range(3):
            add(assembly, ItemFactory())
        parent = assembly
    with django_assert_num_queries(1):
        lines = list(selectors.bom_explode(item_id=phone.pk, on=JUL))
    assert len(lines) == 16
    assert max(line.depth for line in lines) == 5
