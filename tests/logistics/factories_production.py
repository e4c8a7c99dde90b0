"""Factories for the production-schedule tests (kept apart from tests/logistics/factories.py)."""

import factory
from factory import SubFactory

from erp import roles
from erp.weeks import IsoWeek
from logistics import services
from logistics.models import Factory, FactoryCapacity, FactoryUser
from tests.erp.factories import ProductFactory, UserFactory

WEEK = IsoWeek(2026, 48)  # Monday 2026-11-23


class FactoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Factory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"FAC-{n:03d}")
    name = factory.Sequence(lambda n: f"Factory {n}")
    country = "CN"
    working_days = "1111110"


class FactoryCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactoryCapacity

    factory = factory.SubFactory(FactoryFactory)
    item = SubFactory(ProductFactory)
    weekly_capacity = 10000


def factory_user(factory_obj: Factory, **kwargs):
    user = UserFactory(is_staff=False, **kwargs)
    FactoryUser.objects.create(user=user, factory=factory_obj)
    return user


def make_draft(lines=(), user=None):
    """A draft with ``lines`` of (factory, item, week, quantity)."""
    draft = services.schedule_draft_create(acting_user=user)
    for fac, item, week, qty in lines:
        services.schedule_line_set(acting_user=user, version=draft, factory=fac, item=item, week=week, quantity=qty)
    return draft


def make_locked(lines=(), user=None, reason="weekly meeting"):
    draft = make_draft(lines, user=user)
    return services.schedule_lock(acting_user=user or UserFactory(roles=[roles.PLANNING]), version=draft, reason=reason)
