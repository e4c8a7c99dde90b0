from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from erp import roles
from erp.management.commands.seed_demo import DEMO_USERS
from erp.models import FxRate, Item, Price
from erp.selectors import price_in_force
from erp.weeks import business_date

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_one_login_per_role_and_is_idempotent(demo):
    output = demo
    users = get_user_model().objects.all()
    assert {g for u in users for g in u.groups.values_list("name", flat=True)} == set(roles.ALL_ROLES)
    for username, _role, _name in DEMO_USERS:
        assert username in output
    counts = (users.count(), Item.objects.count(), Price.objects.count(), FxRate.objects.count())

    assert "0 users, 0 items, 0 prices, 0 FX rates added" in _seed("--quiet-logins")
    assert (get_user_model().objects.count(), Item.objects.count(), Price.objects.count(), FxRate.objects.count()) == (
        counts
    )


def test_every_demo_product_has_a_price_today_and_the_retailer_is_no_staff(demo):
    today = business_date()
    for product in Item.objects.filter(kind="product"):
        assert price_in_force(item=product, on=today) is not None, product.sku
    retailer = get_user_model().objects.get(username="retailer")
    assert not retailer.is_staff and roles.user_is_retailer(retailer)


def test_large_scale_adds_products():
    _seed("--scale", "large", "--quiet-logins")
    assert Item.objects.filter(kind="product").count() == 20


def test_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        _seed()
