from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from erp import roles
        from erp.navigation import NavEntry, nav_register
        from logistics.selectors.mrp import mrp_planned_quantities, mrp_supplier_requirements
        from procurement.selectors import planned_quantities_register, requirement_source_register

        # MRP answers suppliers' requirement forecasts and the outlier report's planned quantities.
        requirement_source_register(mrp_supplier_requirements)
        planned_quantities_register(mrp_planned_quantities)
        nav_register(NavEntry("planning", _("Component shortages"), "mrp-shortages", "logistics.view_mrprun"))
        nav_register(NavEntry("planning", _("Planned orders"), "mrp-suggestions", "logistics.view_mrprun"))
        mrp = {"logistics.view_mrprun", "logistics.add_mrprun"}
        roles.role_grant(roles.PLANNING, mrp)
        roles.role_grant(roles.LOGISTICS, mrp)
        roles.role_grant(roles.PROCUREMENT, mrp)
        roles.role_grant(roles.FINANCE, {"logistics.view_mrprun"})
