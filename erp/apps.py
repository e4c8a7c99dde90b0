from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    # post_migrate is sent once per app with models, and each app's permissions are
    # created in its own turn: only the last such app's turn sees them all.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    from erp.roles import roles_sync_permissions

    roles_sync_permissions()


class ErpConfig(AppConfig):
    name = "erp"
    verbose_name = _("Master data")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="erp.sync_roles")

        import erp.importers
        import erp.lookups  # noqa: F401  (registers the in_ids lookup)
        from erp.navigation import NavEntry, nav_register

        nav_register(
            NavEntry("master_data", _("Items"), "item-list", "erp.view_item"),
            NavEntry("master_data", _("Price list"), "price-list", "erp.view_price"),
            NavEntry("master_data", _("FX rates"), "fx-rate-list", "erp.view_fxrate"),
            NavEntry("master_data", _("Excel import / export"), "excel-home", None),
            NavEntry("master_data", _("Import runs"), "excel-run-list", None),
            NavEntry("admin", _("API tokens"), "api-token-list", "erp.view_apitoken"),
            NavEntry("admin", _("My API tokens"), "account-tokens", None),
            NavEntry("admin", _("Django admin"), "admin:index", admin_site=True),
            NavEntry("admin", _("API documentation"), "api-docs", None),
        )
