from django.utils.functional import SimpleLazyObject

from erp.navigation import nav_for_user
from erp.roles import user_is_staff_member


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user_is_staff_member(user):
        return {"nav_areas": []}
    return {"nav_areas": SimpleLazyObject(lambda: nav_for_user(user))}
