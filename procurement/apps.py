from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        import procurement.importers  # noqa: F401  (registers procurement's Excel datasets)
        from erp.tokens import token_scope_register
        from procurement.selectors.purchasing import supplier_of_user

        token_scope_register("supplier", lambda user: supplier_of_user(user) is not None)
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from procurement.demo import seed_boms, seed_procurement, seed_purchasing, seed_standard_costs

        nav_register(NavEntry("procurement", _("Suppliers"), "supplier-list", "procurement.view_supplier"))
        nav_register(
            NavEntry("procurement", _("Supplier offers"), "supplier-offer-list", "procurement.view_supplieroffer")
        )
        nav_register(NavEntry("procurement", _("Components"), "component-list", "procurement.view_componentprofile"))
        nav_register(NavEntry("procurement", _("Bills of materials"), "bom-list", "procurement.view_bomline"))
        nav_register(NavEntry("procurement", _("Product costs"), "cost-overview", "procurement.view_supplieroffer"))
        nav_register(NavEntry("procurement", _("Cost outliers"), "cost-outlier-list", "procurement.view_supplieroffer"))
        nav_register(
            NavEntry("procurement", _("Purchase orders"), "purchase-order-list", "procurement.view_purchaseorder"),
            NavEntry("procurement", _("Supplier scorecards"), "supplier-ranking", "procurement.view_purchaseorder"),
        )
        roles.role_grant(
            roles.PROCUREMENT,
            {
                "procurement.view_supplier",
                "procurement.add_supplier",
                "procurement.change_supplier",
                "procurement.block_supplier",
                "procurement.view_componentprofile",
                "procurement.add_componentprofile",
                "procurement.change_componentprofile",
                "procurement.view_supplierstatuschange",
                "procurement.view_supplieroffer",
                "procurement.add_supplieroffer",
                "procurement.change_supplieroffer",
                "procurement.view_bomline",
                "procurement.view_costrates",
            },
        )
        # Planning owns product structure and what a unit costs to build and ship.
        roles.role_grant(
            roles.PLANNING,
            {
                "procurement.view_componentprofile",
                "procurement.view_bomline",
                "procurement.add_bomline",
                "procurement.change_bomline",
                "procurement.delete_bomline",
                "procurement.view_costrates",
                "procurement.add_costrates",
                "procurement.change_costrates",
            },
        )
        roles.role_grant(roles.FINANCE, {"procurement.view_bomline", "procurement.view_costrates"})
        for role in (roles.PLANNING, roles.FINANCE, roles.SALES, roles.LOGISTICS):
            roles.role_grant(role, {"procurement.view_supplier"})
        for role in (roles.PLANNING, roles.FINANCE):
            roles.role_grant(role, {"procurement.view_supplieroffer"})
        # Purchasing: procurement runs orders end to end, logistics receives goods, planning and finance read.
        roles.role_grant(
            roles.PROCUREMENT,
            {
                "procurement.view_purchaseorder",
                "procurement.add_purchaseorder",
                "procurement.change_purchaseorder",
                "procurement.send_purchaseorder",
                "procurement.confirm_purchaseorder",
                "procurement.receive_purchaseorder",
                "procurement.cancel_purchaseorder",
                "procurement.view_purchaseorderline",
                "procurement.add_purchaseorderline",
                "procurement.change_purchaseorderline",
                "procurement.view_receipt",
                "procurement.view_supplieruser",
            },
        )
        roles.role_grant(
            roles.LOGISTICS,
            {
                "procurement.view_purchaseorder",
                "procurement.receive_purchaseorder",
                "procurement.view_purchaseorderline",
                "procurement.view_receipt",
            },
        )
        for role in (roles.PLANNING, roles.FINANCE):
            roles.role_grant(
                role,
                {"procurement.view_purchaseorder", "procurement.view_purchaseorderline", "procurement.view_receipt"},
            )
        demo_step_register(seed_procurement)
        demo_step_register(seed_boms)
        demo_step_register(seed_standard_costs)
        demo_step_register(seed_purchasing)
