from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and planning")

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        pass
