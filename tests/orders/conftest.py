import pytest

from erp import roles
from tests.erp.factories import UserFactory


@pytest.fixture
def shop_user(db):
    """The online shop's integration user."""
    return UserFactory(roles=[roles.SHOP], is_staff=False)
