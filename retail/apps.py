from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def retail_perms(actions: tuple[str, ...], models: tuple[str, ...]) -> set[str]:
    return {f"retail.{action}_{model}" for action in actions for model in models}


class RetailConfig(AppConfig):
    name = "retail"
    verbose_name = _("Retail")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        self._ready_retailers()
        self._ready_prepayments()
        self._ready_orders()
        self._ready_allocations()
        self._ready_portal()

    def _ready_retailers(self) -> None:
        """Retailers, their users and stores, onboarding."""

    def _ready_prepayments(self) -> None:
        """The prepayment ledger: accounts, entries, statements, deposits."""

    def _ready_orders(self) -> None:
        """Retailer orders (staff side)."""

    def _ready_allocations(self) -> None:
        """Allocation runs: sales runs and applies them, planning previews, logistics and finance read."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from retail.demo_allocations import seed_allocations

        nav_register(NavEntry("sales", _("Allocation runs"), "allocation-run-list", "retail.view_allocationrun"))
        view = retail_perms(("view",), ("allocationrun", "allocationline"))
        roles.role_grant(roles.SALES, view | {"retail.add_allocationrun", "retail.apply_allocationrun"})
        roles.role_grant(roles.PLANNING, view | {"retail.add_allocationrun"})
        for role in (roles.LOGISTICS, roles.FINANCE):
            roles.role_grant(role, view)
        demo_step_register(seed_allocations)

    def _ready_portal(self) -> None:
        """The retailer portal and login protection."""
