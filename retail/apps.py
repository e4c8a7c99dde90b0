from django.apps import AppConfig


class RetailConfig(AppConfig):
    name = "retail"

    def ready(self) -> None:
        # Each area registers its Excel datasets, navigation, role grants and demo steps here.
        pass
