"""Two planners locking the same draft at once on PostgreSQL: exactly one wins."""

import pytest

from erp import roles
from erp.errors import ApplicationError
from erp.models import Currency
from logistics import services
from logistics.models import ScheduleVersion
from tests.concurrency import needs_postgres, race
from tests.erp.factories import UserFactory
from tests.logistics.factories_production import WEEK, FactoryCapacityFactory, make_draft

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _base_currency():
    Currency.objects.get_or_create(code="CNY", defaults={"name": "Chinese yuan", "decimal_places": 2})


def test_two_parallel_locks_only_one_wins():
    needs_postgres()
    planners = [UserFactory(roles=[roles.PLANNING]) for _ in range(2)]
    cap = FactoryCapacityFactory(weekly_capacity=1000)
    draft = make_draft([(cap.factory, cap.item, WEEK, 600)])
    results = race(2, lambda n: services.schedule_lock(acting_user=planners[n], version=draft, reason=f"lock {n}"))
    errors = [r for r in results if isinstance(r, Exception)]
    wins = [r for r in results if isinstance(r, ScheduleVersion)]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), results
    assert "already locked" in errors[0].message
    stored = ScheduleVersion.objects.get(pk=draft.pk)
    assert stored.status == "locked" and stored.lock_reason == wins[0].lock_reason


def test_an_edit_racing_a_lock_never_lands_in_the_locked_version():
    needs_postgres()
    planner = UserFactory(roles=[roles.PLANNING])
    cap = FactoryCapacityFactory(weekly_capacity=1000)
    draft = make_draft([(cap.factory, cap.item, WEEK, 600)])

    def act(n):
        if n == 0:
            return services.schedule_lock(acting_user=planner, version=draft, reason="meeting")
        return services.schedule_line_set(
            acting_user=planner, version=draft, factory=cap.factory, item=cap.item, week=WEEK, quantity=700
        )

    results = race(2, act)
    locked = ScheduleVersion.objects.get(pk=draft.pk)
    assert locked.status == "locked"
    quantity = locked.lines.get().quantity
    edit = results[1]
    # Either the edit committed before the lock (700), or it was refused because the version was locked (600).
    assert (quantity == 700 and not isinstance(edit, Exception)) or (
        quantity == 600 and isinstance(edit, ApplicationError)
    ), results
    # Also create two drafts at once: the partial unique constraint keeps one.
    again = race(2, lambda n: services.schedule_draft_create(acting_user=planner))
    assert sum(isinstance(r, ScheduleVersion) for r in again) == 1, again
    assert ScheduleVersion.objects.filter(status="draft").count() == 1
