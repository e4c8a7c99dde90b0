from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        self._ready_production()
        from erp.tokens import token_scope_register
        from logistics.selectors.production import factory_of_user

        token_scope_register("factory", lambda user: factory_of_user(user) is not None)
        self._ready_stock()
        self._ready_shipments()
        self._ready_mrp()  # last: its demo step runs after the schedule and the stock are seeded

    def _ready_production(self) -> None:
        """Factories, their capacity and the versioned production schedule."""
        import logistics.importers  # noqa: F401  (registers the factory-capacity and production-schedule datasets)
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from logistics.demo import seed_production

        nav_register(
            NavEntry("planning", _("Production schedule"), "schedule-version-list", "logistics.view_scheduleversion"),
            NavEntry("logistics", _("Factories"), "factory-list", "logistics.view_factory"),
        )
        readers = {
            "logistics.view_factory",
            "logistics.view_factorycapacity",
            "logistics.view_scheduleversion",
            "logistics.view_scheduleline",
            "logistics.view_productionactual",
        }
        for role in (roles.PLANNING, roles.LOGISTICS, roles.PROCUREMENT, roles.FINANCE, roles.SALES):
            roles.role_grant(role, readers)
        # Planning keeps the factories' capacity and edits and locks the schedule.
        roles.role_grant(
            roles.PLANNING,
            {
                "logistics.add_factory",
                "logistics.change_factory",
                "logistics.add_factorycapacity",
                "logistics.change_factorycapacity",
                "logistics.delete_factorycapacity",
                "logistics.add_scheduleversion",
                "logistics.lock_scheduleversion",
                "logistics.add_scheduleline",
                "logistics.change_scheduleline",
            },
        )
        # Logistics records what the factories built when they do not post it themselves.
        roles.role_grant(
            roles.LOGISTICS,
            {"logistics.add_productionactual", "logistics.change_productionactual", "logistics.view_factoryuser"},
        )
        demo_step_register(seed_production)

    def _ready_mrp(self) -> None:
        """MRP: pages, roles, and the answers it gives procurement."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from logistics.demo_mrp import seed_mrp
        from logistics.selectors.mrp import mrp_planned_quantities, mrp_supplier_requirements
        from logistics.services.mrp import mrp_recalculate
        from procurement.selectors import planned_quantities_register, requirement_source_register
        from procurement.services import purchasing_listener_register

        # MRP answers suppliers' requirement forecasts and the outlier report's planned quantities,
        # and recomputes when what is on order changes.
        requirement_source_register(mrp_supplier_requirements)
        planned_quantities_register(mrp_planned_quantities)
        purchasing_listener_register(mrp_recalculate)
        nav_register(NavEntry("planning", _("Component shortages"), "mrp-shortages", "logistics.view_mrprun"))
        nav_register(NavEntry("planning", _("Planned orders"), "mrp-suggestions", "logistics.view_mrprun"))
        mrp = {"logistics.view_mrprun", "logistics.add_mrprun"}
        roles.role_grant(roles.PLANNING, mrp)
        roles.role_grant(roles.LOGISTICS, mrp)
        roles.role_grant(roles.PROCUREMENT, mrp)
        roles.role_grant(roles.FINANCE, {"logistics.view_mrprun"})
        demo_step_register(seed_mrp)

    def _ready_shipments(self) -> None:
        """Shipments: logistics runs them, store ops receive at stores, the rest of staff reads."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from logistics.demo_shipments import seed_shipments

        nav_register(
            NavEntry("logistics", _("Shipments"), "shipment-list", "logistics.view_shipment"),
            NavEntry("logistics", _("Inventory turnover"), "turnover", "logistics.view_stocklevel"),
        )

        shipment = {"logistics.view_shipment", "logistics.view_shipmentline", "logistics.view_shipmentevent"}
        roles.role_grant(
            roles.LOGISTICS,
            shipment
            | {
                "logistics.add_shipment",
                "logistics.change_shipment",
                "logistics.receive_shipment",
                "logistics.post_shipment_event",
            },
        )
        roles.role_grant(roles.STORE_OPS, shipment | {"logistics.receive_shipment"})
        for role in (roles.PLANNING, roles.SALES, roles.FINANCE, roles.PROCUREMENT):
            roles.role_grant(role, shipment)
        demo_step_register(seed_shipments)

    def _ready_stock(self) -> None:
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from logistics.demo_history import seed_history
        from logistics.demo_stock import seed_stock

        nav_register(
            NavEntry("logistics", _("Locations"), "location-list", "logistics.view_location"),
            NavEntry("logistics", _("Stock levels"), "stock-level-list", "logistics.view_stocklevel"),
            NavEntry("logistics", _("Stock moves"), "stock-move-list", "logistics.view_stockmove"),
            NavEntry("logistics", _("Stock counts"), "stock-count-list", "logistics.view_stockcount"),
        )
        roles.role_grant(
            roles.LOGISTICS,
            {
                "logistics.view_location",
                "logistics.add_location",
                "logistics.change_location",
                "logistics.view_stocklevel",
                "logistics.view_stockmove",
                "logistics.add_stockmove",
                "logistics.view_stockcount",
                "logistics.add_stockcount",
                "logistics.post_stockcount",
                "logistics.view_stockcountline",
            },
        )
        for role in (roles.PLANNING, roles.PROCUREMENT, roles.FINANCE, roles.SALES):
            roles.role_grant(
                role,
                {
                    "logistics.view_location",
                    "logistics.view_stocklevel",
                    "logistics.view_stockmove",
                    "logistics.view_stockcount",
                    "logistics.view_stockcountline",
                },
            )
        demo_step_register(seed_stock)
        # Right after the opening stock it starts from, before the demo shipments of the last days.
        demo_step_register(seed_history)
