"""Django's model permissions, read in one query instead of two.

``ModelBackend`` reads a user's own permissions and their groups' permissions with a query each, the
first time a request asks ``has_perm``. Every API request asks, so the two become one ``UNION``; what
a user may do is unchanged (same sets, same per-request cache, superusers still hold every permission).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class ModelPermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                return super().get_all_permissions(user_obj)
            pairs = ("content_type__app_label", "codename")
            own = Permission.objects.filter(user=user_obj).values_list(*pairs).order_by()
            grouped = Permission.objects.filter(group__user=user_obj).values_list(*pairs).order_by()
            user_obj._perm_cache = {f"{app}.{name}" for app, name in own.union(grouped)}
        return user_obj._perm_cache
