import pytest

from erp import roles
from tests.erp.factories import UserFactory


@pytest.fixture
def planning_user(db):
    return UserFactory(roles=[roles.PLANNING])
