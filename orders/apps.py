from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FORECAST_MODELS = ("forecastversion", "forecastvalue", "demandsignal", "salesactual")
CONSUMER_MODELS = ("consumerorder", "consumerorderline")
DISPATCH_MODELS = ("dispatchrun", "dispatchline")
MEETING_MODELS = ("meetingweek", "meetingcelledit", "meetingdecision")
FLASH_MODELS = ("flashsale", "flashsaleorder", "flashsalecounter")


def _perms(actions: tuple[str, ...], models: tuple[str, ...]) -> set[str]:
    return {f"orders.{action}_{model}" for action in actions for model in models}


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and planning")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        self._ready_forecasts()
        self._ready_plan()
        self._ready_dispatch()
        self._ready_meeting()
        self._ready_flash()

    def _ready_forecasts(self) -> None:
        """Forecasts, demand signals, sales actuals and consumer orders."""
        import orders.importers  # noqa: F401  (registers orders' Excel datasets)
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from orders.demo import seed_forecasts

        nav_register(
            NavEntry("planning", _("Forecast"), "forecast-grid", "orders.view_forecastvalue"),
            NavEntry("planning", _("Forecast versions"), "forecast-version-list", "orders.view_forecastversion"),
            NavEntry("planning", _("Forecast vs actual"), "forecast-accuracy", "orders.view_forecastvalue"),
            NavEntry("planning", _("Demand signals"), "demand-signal-list", "orders.view_demandsignal"),
            NavEntry("planning", _("Sales actuals"), "sales-actual-list", "orders.view_salesactual"),
            NavEntry("sales", _("Consumer orders"), "consumer-order-list", "orders.view_consumerorder"),
        )
        # Planning edits forecasts, signals and sales history; sales runs consumer orders and records
        # sales; everybody else on staff reads.
        roles.role_grant(roles.PLANNING, _perms(("view", "add", "change"), FORECAST_MODELS))
        roles.role_grant(roles.PLANNING, _perms(("view",), CONSUMER_MODELS))
        roles.role_grant(
            roles.SALES,
            _perms(("view", "add", "change"), CONSUMER_MODELS)
            | {"orders.pay_consumerorder", "orders.cancel_consumerorder"}
            | _perms(("view",), FORECAST_MODELS)
            | _perms(("add", "change"), ("salesactual",)),
        )
        for role in (roles.PROCUREMENT, roles.LOGISTICS, roles.STORE_OPS, roles.FINANCE):
            roles.role_grant(role, _perms(("view",), FORECAST_MODELS + CONSUMER_MODELS))
        demo_step_register(seed_forecasts)

    def _ready_plan(self) -> None:
        """The demand plan: every staff role that plans or supplies reads it."""
        from erp import roles
        from erp.navigation import NavEntry, nav_register
        from orders.selectors.demand import committed_demand_register
        from orders.views.plan import PLAN_PERMISSION
        from retail.selectors import retailer_committed_demand

        committed_demand_register(retailer_committed_demand)
        nav_register(NavEntry("planning", _("Demand plan"), "demand-plan", PLAN_PERMISSION))
        for role in (roles.PLANNING, roles.SALES, roles.LOGISTICS, roles.PROCUREMENT, roles.FINANCE):
            roles.role_grant(role, {PLAN_PERMISSION})

    def _ready_dispatch(self) -> None:
        """Dispatch on arrival: orders (and retail's orders) hear about receipts, cancellations and deliveries."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from logistics.services import (
            shipment_cancel_listener_register,
            shipment_event_listener_register,
            shipment_receipt_listener_register,
        )
        from orders.demo_dispatch import seed_dispatch
        from orders.services import consumer_shipment_cancelled, dispatch_on_allocation, dispatch_on_receipt
        from retail.services import (
            allocation_applied_listener_register,
            retailer_shipment_cancelled,
            retailer_shipment_event,
        )

        shipment_receipt_listener_register(dispatch_on_receipt)
        allocation_applied_listener_register(dispatch_on_allocation)
        # Retail's own shipment listeners are registered here, by the layer that makes dispatch shipments.
        shipment_cancel_listener_register(retailer_shipment_cancelled)
        shipment_cancel_listener_register(consumer_shipment_cancelled)
        shipment_event_listener_register(retailer_shipment_event)
        nav_register(
            NavEntry("logistics", _("Dispatch runs"), "dispatch-run-list", "orders.view_dispatchrun"),
            NavEntry("logistics", _("Waiting demand"), "dispatch-waiting", "orders.view_dispatchrun"),
        )
        view = _perms(("view",), DISPATCH_MODELS)
        roles.role_grant(roles.LOGISTICS, view | {"orders.add_dispatchrun"})
        for role in (roles.SALES, roles.PLANNING, roles.STORE_OPS, roles.FINANCE):
            roles.role_grant(role, view)
        demo_step_register(seed_dispatch)

    def _ready_meeting(self) -> None:
        """The weekly order meeting: every staff role reads it; planning edits, decides, locks and unlocks."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from orders.demo_meeting import seed_meeting

        nav_register(NavEntry("planning", _("Order meeting"), "meeting", "orders.view_meetingweek"))
        view = _perms(("view",), MEETING_MODELS)
        for role in roles.STAFF_ROLES:
            roles.role_grant(role, view)
        roles.role_grant(
            roles.PLANNING,
            {"orders.change_meetingweek", "orders.add_meetingdecision", "orders.unlock_meetingweek"},
        )
        demo_step_register(seed_meeting)

    def _ready_flash(self) -> None:
        """Flash sales: sales runs them; the online shop takes, pays and cancels their orders; staff read."""
        from erp import roles
        from erp.demo import demo_step_register
        from erp.navigation import NavEntry, nav_register
        from orders.demo_flash import seed_flash_sales

        nav_register(NavEntry("sales", _("Flash sales"), "flash-sale-list", "orders.view_flashsale"))
        view = _perms(("view",), FLASH_MODELS)
        order_actions = {"orders.add_flashsaleorder", "orders.pay_flashsaleorder", "orders.cancel_flashsaleorder"}
        roles.role_grant(roles.SALES, view | _perms(("add", "change"), ("flashsale",)) | order_actions)
        for role in (roles.PLANNING, roles.LOGISTICS, roles.FINANCE):
            roles.role_grant(role, view)
        roles.role_grant(
            roles.SHOP,
            {"orders.view_flashsale", "orders.view_flashsaleorder"}
            | order_actions
            | _perms(("view", "add"), CONSUMER_MODELS)
            | {"orders.pay_consumerorder", "orders.cancel_consumerorder"},
        )
        demo_step_register(seed_flash_sales)
