from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and planning")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        self._ready_plan()

    def _ready_plan(self) -> None:
        """The demand plan: every staff role that plans or supplies reads it."""
        from erp import roles
        from erp.navigation import NavEntry, nav_register
        from orders.views.plan import PLAN_PERMISSION

        nav_register(NavEntry("planning", _("Demand plan"), "demand-plan", PLAN_PERMISSION))
        for role in (roles.PLANNING, roles.SALES, roles.LOGISTICS, roles.PROCUREMENT, roles.FINANCE):
            roles.role_grant(role, {PLAN_PERMISSION})
