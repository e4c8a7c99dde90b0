"""erp.fixed_sql: rows read with prebuilt SQL come back exactly as the ORM would give them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from knox.models import get_token_model

from erp import fixed_sql
from erp.api.auth_backends import _PERMISSIONS, _TOKEN_PARTS, _token_sql
from erp.models import ApiToken
from erp.services import api_token_create
from orders.models import FlashSale
from orders.selectors.flash import flash_sale_get
from tests.orders.flash_setup import live_sale

pytestmark = pytest.mark.django_db

User = get_user_model()


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_row_equals_the_orms_with_converted_types():
    sale = live_sale(quantity=7, limit=2)
    part = fixed_sql.Part(FlashSale, "s")
    sql = f"SELECT {fixed_sql.columns(part)} FROM {fixed_sql.table(FlashSale)} s WHERE s.id = %s"
    [read] = fixed_sql.fetch(sql, [sale.pk], part)
    expected = FlashSale.objects.get(pk=sale.pk)
    assert field_values(read) == field_values(expected)
    # SQLite hands back datetimes as text and decimals as floats unless the converters run.
    assert read.starts_at == expected.starts_at and read.starts_at.tzinfo is not None
    assert read._state.adding is False and read._state.db == "default"


def test_no_row_gives_an_empty_list():
    part = fixed_sql.Part(FlashSale, "s")
    sql = f"SELECT {fixed_sql.columns(part)} FROM {fixed_sql.table(FlashSale)} s WHERE s.id = %s"
    assert fixed_sql.fetch(sql, [-1], part) == []


def test_joined_rows_are_cached_like_select_related(make_user, django_assert_num_queries):
    user = make_user("planning")
    record, _ = api_token_create(acting_user=user, user=user, label="fixed sql")
    token = get_token_model().objects.get(digest=record.token_id)
    with django_assert_num_queries(1):
        [read] = fixed_sql.fetch(_token_sql(), [token.token_key], *_TOKEN_PARTS, annotations=[_PERMISSIONS])
        assert read.user.username == user.username
        assert read.tempo_token.label == "fixed sql"
        assert read.tempo_token.token is read  # the reverse one-to-one points back without a query
    assert field_values(read) == field_values(token)
    assert field_values(read.user) == field_values(User.objects.get(pk=user.pk))
    # The user's permissions come in the same row: exactly what the permission backend would read.
    assert set(getattr(read, _PERMISSIONS).split()) == ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert field_values(read.tempo_token) == field_values(ApiToken.objects.get(pk=record.pk))


def test_a_left_join_miss_reads_as_missing_without_a_query(make_user, django_assert_num_queries):
    user = make_user("planning")
    record, _ = api_token_create(acting_user=user, user=user)
    token = get_token_model().objects.get(digest=record.token_id)
    ApiToken.objects.filter(pk=record.pk).delete()
    with django_assert_num_queries(1):
        [read] = fixed_sql.fetch(_token_sql(), [token.token_key], *_TOKEN_PARTS, annotations=[_PERMISSIONS])
        with pytest.raises(ApiToken.DoesNotExist):
            read.tempo_token  # noqa: B018


@pytest.mark.parametrize("key", ["9" * 30, "0", "-1", "", " ", "x" * 33])
def test_the_intake_lookup_finds_nothing_for_odd_keys(key):
    live_sale()
    assert flash_sale_get(key, with_item=False) is None


def test_the_intake_lookup_by_id_or_code():
    sale = live_sale()
    assert field_values(flash_sale_get(str(sale.pk), with_item=False)) == field_values(sale)
    assert flash_sale_get(sale.code.lower(), with_item=False).pk == sale.pk
