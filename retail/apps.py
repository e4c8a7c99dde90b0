from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def retail_perms(actions: tuple[str, ...], models: tuple[str, ...]) -> set[str]:
    return {f"retail.{action}_{model}" for action in actions for model in models}


class RetailConfig(AppConfig):
    name = "retail"
    verbose_name = _("Retail")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        from erp.tokens import token_scope_register
        from retail.selectors.ledger import retailer_id_of_user
        from retail.selectors.stores import pos_link_of

        token_scope_register("retailer", lambda user: retailer_id_of_user(user) is not None)
        token_scope_register("shop", lambda user: pos_link_of(user) is not None)
        self._ready_retailers()
        self._ready_stores()  # its demo step runs right after the retailers', before orders and allocations
        self._ready_prepayments()
        self._ready_orders()
        self._ready_allocations()
        self._ready_portal()

    def _ready_retailers(self) -> None:
        """Retailers, their users and stores, onboarding."""
        import retail.importers.retailers  # noqa: F401  (registers the ``retailers`` Excel dataset)
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from retail.demo_retailers import seed_retailers

        nav_register(NavEntry("sales", _("Retailers"), "retailer-list", "retail.view_retailer"))
        roles.role_grant(
            roles.SALES,
            retail_perms(("view", "add", "change"), ("retailer",))
            | {"retail.onboard_retailer", "retail.view_retaileruser", "retail.view_store"},
        )
        for role in (roles.FINANCE, roles.LOGISTICS, roles.STORE_OPS, roles.PLANNING):
            roles.role_grant(role, {"retail.view_retailer"})
        demo_step_register(seed_retailers)

    def _ready_stores(self) -> None:
        """Stores, sell-through and replenishment: store ops and logistics act, planning, sales, finance read."""
        import retail.importers.stores  # noqa: F401  (registers stores, store-sell-through, store-stock-counts)
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from retail.demo_stores import seed_stores

        nav_register(
            NavEntry("stores", _("Stores"), "store-list", "retail.view_store"),
            NavEntry("stores", _("Sell-through"), "sell-through-list", "retail.view_storesellthrough"),
            NavEntry("stores", _("Report sell-through"), "sell-through-create", "retail.add_storesellthrough"),
            NavEntry("stores", _("Replenishment"), "replenishment", "retail.view_store"),
        )
        readers = {"retail.view_store", "retail.view_storesellthrough"}
        for role in (roles.PLANNING, roles.SALES, roles.FINANCE):
            roles.role_grant(role, readers)
        actors = readers | retail_perms(("add", "change"), ("storesellthrough",))
        actors |= {"retail.change_store", "retail.count_store", "retail.accept_replenishment"}
        roles.role_grant(roles.STORE_OPS, actors)
        # Logistics also opens stores and links point-of-sale integrations.
        roles.role_grant(roles.LOGISTICS, actors | {"retail.add_store", "retail.view_posuser"})
        demo_step_register(seed_stores)

    def _ready_prepayments(self) -> None:
        """The prepayment ledger: accounts, entries, statements, deposits."""
        import retail.importers  # noqa: F401  (registers the prepayment-deposits dataset)
        from erp import roles
        from erp.navigation import NavEntry, nav_register

        nav_register(
            NavEntry("finance", _("Prepayments"), "prepayment-account-list", "retail.view_prepaymentaccount"),
            NavEntry("finance", _("Prepayment entries"), "prepayment-entry-list", "retail.view_prepaymententry"),
        )
        ledger_view = retail_perms(("view",), ("prepaymentaccount", "prepaymententry"))
        # Finance books deposits, refunds and adjustments; sales reads balances to talk to retailers.
        roles.role_grant(roles.FINANCE, ledger_view | {"retail.record_deposit"})
        roles.role_grant(roles.SALES, ledger_view)

    def _ready_orders(self) -> None:
        """Retailer orders (staff side)."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from retail.demo_orders import seed_retailer_orders

        nav_register(NavEntry("sales", _("Retailer orders"), "retailer-order-list", "retail.view_retailerorder"))
        order_view = retail_perms(("view",), ("retailerorder", "retailerorderline", "orderlinereservation"))
        roles.role_grant(
            roles.SALES,
            order_view
            | retail_perms(("add",), ("retailerorder", "retailerorderline"))
            | {"retail.confirm_retailerorder", "retail.cancel_retailerorder"},
        )
        roles.role_grant(roles.LOGISTICS, order_view | {"retail.ship_retailerorder"})
        roles.role_grant(roles.FINANCE, order_view)
        roles.role_grant(roles.PLANNING, order_view)
        # Runs after the retailers' step (registered in _ready_retailers above), whose retailers it orders for.
        demo_step_register(seed_retailer_orders)

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
