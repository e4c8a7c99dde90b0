"""Two planners saving the same meeting cell at once on PostgreSQL: one wins, the other is told."""

import pytest

from erp.errors import ApplicationError
from orders.models import MeetingCellEdit
from orders.selectors.meeting import meeting_grid
from orders.services.meeting import meeting_cell_set, meeting_open
from tests.concurrency import needs_postgres, race
from tests.orders.meeting_setup import meeting_world

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_concurrent_saves_of_one_cell_lose_nothing_silently(make_user):
    needs_postgres()
    world = meeting_world()
    phone, week = world.phones[0], world.week
    planners = [make_user("planning") for _ in range(4)]
    meeting = meeting_open(acting_user=planners[0], week=week)

    def save(index: int):
        return meeting_cell_set(
            acting_user=planners[index],
            meeting=meeting,
            item=phone,
            plan_week=week + 1,
            quantity=900 + 100 * index,
            expected=800,  # what every one of them saw
        )

    results = race(4, save)
    won = [r for r in results if isinstance(r, MeetingCellEdit)]
    told = [r for r in results if isinstance(r, ApplicationError)]
    assert len(won) == 1 and len(told) == 3, results
    assert all("changed underneath you" in error.message for error in told)
    assert MeetingCellEdit.objects.count() == 1
    assert meeting_grid(week=week).rows[0].cells[1].planned == won[0].new_quantity
