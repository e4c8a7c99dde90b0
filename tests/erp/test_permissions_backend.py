"""The one-query permission backend grants exactly what Django's ModelBackend grants."""

from datetime import timedelta

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from knox.models import AuthToken

from erp import roles
from erp.models import ApiToken
from erp.permissions_backend import ModelPermissionBackend
from erp.services import api_token_create, api_token_sweep_expired
from tests.erp.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return type(user).objects.get(pk=user.pk)  # no permission cache


def test_union_of_own_and_group_permissions_matches_model_backend():
    user = UserFactory(roles=[roles.SALES, roles.FINANCE])
    user.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    ours = ModelPermissionBackend().get_all_permissions(_fresh(user))
    assert ours == ModelBackend().get_all_permissions(_fresh(user))
    assert "erp.view_apitoken" in ours
    assert any(p.startswith("orders.") for p in ours)  # from a group


def test_one_query_then_cached(django_assert_num_queries):
    user = _fresh(UserFactory(roles=[roles.SALES]))
    backend = ModelPermissionBackend()
    with django_assert_num_queries(1):
        backend.get_all_permissions(user)
        backend.get_all_permissions(user)


def test_inactive_anonymous_and_object_permissions_are_empty():
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory(roles=[roles.SALES], is_active=False)
    backend = ModelPermissionBackend()
    assert backend.get_all_permissions(user) == set()
    assert backend.get_all_permissions(AnonymousUser()) == set()
    assert backend.get_all_permissions(UserFactory(roles=[roles.SALES]), obj=object()) == set()


def test_superuser_holds_every_permission():
    admin = UserFactory(is_superuser=True)
    assert len(ModelPermissionBackend().get_all_permissions(admin)) == Permission.objects.count()


def test_a_user_without_groups_or_permissions_has_none():
    user = UserFactory()
    user.groups.clear()
    assert ModelPermissionBackend().get_all_permissions(_fresh(user)) == set()
    assert not Group.objects.filter(user=user).exists()


def test_expired_tokens_are_swept_when_the_user_gets_a_new_one():
    user, other = UserFactory(), UserFactory()
    old, _ = api_token_create(acting_user=user, user=user, expiry_days=1)
    others, _ = api_token_create(acting_user=other, user=other, expiry_days=1)
    past = timezone.now() - timedelta(minutes=1)
    AuthToken.objects.filter(pk__in=[old.token_id, others.token_id]).update(expiry=past)
    api_token_create(acting_user=user, user=user)
    assert not AuthToken.objects.filter(pk=old.token_id).exists()
    assert AuthToken.objects.filter(pk=others.token_id).exists()  # only this user's
    assert ApiToken.objects.filter(pk=old.pk).exists()  # the record stays for the audit
    assert api_token_sweep_expired() == 1  # everybody's


def test_an_expired_token_is_refused_and_deleted(api_client):
    user = UserFactory(roles=[roles.SALES])
    record, plaintext = api_token_create(acting_user=user, user=user, expiry_days=1)
    AuthToken.objects.filter(pk=record.token_id).update(expiry=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    response = api_client.get("/api/v1/items/")
    assert response.status_code == 401
    assert not AuthToken.objects.filter(pk=record.token_id).exists()


def test_an_api_token_carries_its_users_permissions_read_afresh_on_each_request(api_client):
    """The token's query brings the permissions (no second query), and a change between two requests
    counts on the very next one: nothing is cached across requests."""
    from tests.api_helpers import token_client

    user = UserFactory(is_staff=True, roles=[roles.SALES])
    client = token_client(api_client, user)
    assert client.get("/api/v1/flash-sales/").status_code == 200
    user.groups.clear()
    assert client.get("/api/v1/flash-sales/").status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_flashsale"))
    assert client.get("/api/v1/flash-sales/").status_code == 200
