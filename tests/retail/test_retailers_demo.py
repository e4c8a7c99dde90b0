"""The retailers demo step: 400 retailers in three tiers, deposits, the demo retailer user and stores."""

import pytest
from django.db.models import Count, Sum

from erp import roles
from retail.demo_retailers import DEMO_RETAILER, seed_retailers
from retail.models import PrepaymentAccount, PrepaymentEntry, Retailer, RetailerUser, Store
from tests.erp.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_retailers_deposits_user_and_stores_and_idempotent(django_assert_max_num_queries):
    user = UserFactory(username="retailer", roles=[roles.RETAILER], is_staff=False)
    summary = seed_retailers(scale="small")
    assert "400 retailers" in summary and "400 deposits" in summary and "retailer stores" in summary

    tiers = dict(Retailer.objects.values_list("tier").annotate(n=Count("pk")))
    assert tiers == {1: 40, 2: 120, 3: 240}
    assert set(Retailer.objects.values_list("region", flat=True)) == {
        "East",
        "South",
        "North",
        "Central",
        "Southwest",
        "Northeast",
        "Northwest",
    }
    assert PrepaymentAccount.objects.count() == 400
    deposits = PrepaymentEntry.objects.filter(kind="deposit")
    assert deposits.count() == 400 and not deposits.filter(reference="").exists()
    total = PrepaymentAccount.objects.aggregate(total=Sum("balance_cents"))["total"] / 100
    assert 100_000_000 <= total <= 1_000_000_000  # hundreds of millions of CNY
    tier_1_least = min(PrepaymentAccount.objects.filter(retailer__tier=1).values_list("balance_cents", flat=True))
    tier_2_most = max(PrepaymentAccount.objects.filter(retailer__tier=2).values_list("balance_cents", flat=True))
    assert tier_1_least > tier_2_most
    link = RetailerUser.objects.get(user=user)
    assert link.retailer.code == DEMO_RETAILER and link.retailer.tier == 1 and link.is_admin
    stores = Store.objects.filter(retailer=link.retailer).select_related("location")
    assert stores.count() == 3 and {s.location.kind for s in stores} == {"store"}
    assert Store.objects.exclude(retailer=link.retailer).exists()
    assert Retailer.objects.get(code="R-0002").history.get().history_change_reason == "demo data"

    with django_assert_max_num_queries(10):
        assert seed_retailers(scale="small") == ""
    assert Retailer.objects.count() == 400 and PrepaymentEntry.objects.count() == 400


def test_the_demo_retailer_user_reaches_its_portal(client):
    user = UserFactory(username="retailer", roles=[roles.RETAILER], is_staff=False)
    seed_retailers(scale="small")
    client.force_login(user)
    assert client.get("/portal/").status_code == 200
    assert client.get("/retail/retailers/").status_code in (302, 403)
