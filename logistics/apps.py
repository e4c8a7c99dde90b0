from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        self._ready_stock()

    def _ready_stock(self) -> None:
        import logistics.importers  # noqa: F401  (registers the stock Excel datasets)
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from logistics.demo import seed_stock

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
