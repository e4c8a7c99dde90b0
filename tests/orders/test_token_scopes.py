"""Every token gets a scope from its user's kind, and a view refuses tokens of scopes it does not accept."""

import pytest
from django.contrib.auth.models import Group
from knox.models import AuthToken

from erp import roles
from erp.models import ApiToken, TokenScope
from erp.services import api_token_create, api_token_revoke
from procurement.services.purchasing import supplier_user_link
from retail.services.stores import pos_user_link
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import UserFactory
from tests.logistics.factories import FactoryFactory
from tests.logistics.factories_production import factory_user
from tests.procurement.factories import SupplierFactory
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db


def _scope(user) -> str:
    record, _plaintext = api_token_create(acting_user=user, user=user)
    return record.scope


def test_scope_follows_the_kind_of_user():
    assert _scope(UserFactory(roles=[roles.SALES])) == TokenScope.STAFF
    assert _scope(retailer_user_for(RetailerFactory())) == TokenScope.RETAILER
    supplier = UserFactory(is_staff=False)
    supplier_user_link(acting_user=None, user=supplier, supplier=SupplierFactory())
    assert _scope(supplier) == TokenScope.SUPPLIER
    assert _scope(factory_user(FactoryFactory())) == TokenScope.FACTORY
    pos = UserFactory(is_staff=False)
    pos_user_link(acting_user=None, user=pos)
    assert _scope(pos) == TokenScope.SHOP
    shop = UserFactory(is_staff=False)
    shop.groups.add(Group.objects.get_or_create(name="shop")[0])
    assert _scope(shop) == TokenScope.SHOP


def test_a_retailer_token_is_refused_on_a_staff_only_endpoint(api_client):
    client = token_client(api_client, retailer_user_for(RetailerFactory()))
    body = assert_error_shape(client.get("/api/v1/items/"), 403)
    assert "retailer" in body["message"] and "staff" in body["message"]
    # ...and accepted where retailers belong
    assert client.get("/api/v1/retailer-orders/").status_code == 200


def test_a_factory_token_is_refused_on_supplier_endpoints(api_client):
    client = token_client(api_client, factory_user(FactoryFactory()))
    assert_error_shape(client.get("/api/v1/purchase-orders/"), 403)


def test_a_supplier_token_is_refused_on_retailer_endpoints(api_client):
    user = UserFactory(is_staff=False)
    supplier_user_link(acting_user=None, user=user, supplier=SupplierFactory())
    client = token_client(api_client, user)
    assert_error_shape(client.get("/api/v1/retailer-orders/"), 403)
    assert client.get("/api/v1/purchase-orders/").status_code == 200


def test_a_shop_token_is_refused_on_staff_endpoints(api_client):
    user = UserFactory(is_staff=False)
    user.groups.add(Group.objects.get_or_create(name="shop")[0])
    assert_error_shape(token_client(api_client, user).get("/api/v1/prices/"), 403)


def test_a_staff_token_works_on_staff_endpoints(api_client):
    assert token_client(api_client, UserFactory(roles=[roles.SALES])).get("/api/v1/items/").status_code == 200


def test_session_auth_is_not_scoped(client):
    user = retailer_user_for(RetailerFactory())
    client.force_login(user)
    # a retailer's session is refused by permissions (403 or 404), not by a token scope message
    response = client.get("/api/v1/items/")
    assert "tokens" not in response.content.decode()


def test_a_legacy_token_without_a_record_gets_its_users_scope(api_client):
    _instance, plaintext = AuthToken.objects.create(user=retailer_user_for(RetailerFactory()))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert_error_shape(api_client.get("/api/v1/items/"), 403)


def test_revoking_keeps_the_record_and_kills_the_token(api_client):
    user = UserFactory(roles=[roles.SALES])
    record, plaintext = api_token_create(acting_user=user, user=user, label="ci")
    api_token_revoke(acting_user=user, api_token=record)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.get("/api/v1/items/").status_code == 401
    record = ApiToken.objects.get(pk=record.pk)
    assert record.token is None and record.revoked_by == user
    assert record.history.count() == 2


def test_expiry_days_are_bounded():
    from erp.errors import ApplicationError

    user = UserFactory()
    with pytest.raises(ApplicationError, match="expiry_days"):
        api_token_create(acting_user=user, user=user, expiry_days=0)
    with pytest.raises(ApplicationError, match="expiry_days"):
        api_token_create(acting_user=user, user=user, expiry_days=10_000)
    assert not ApiToken.objects.exists()
