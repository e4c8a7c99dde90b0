"""Retail's REST resources, one module per area; re-exported here."""

from retail.apis.retailers import RetailerViewSet  # noqa: F401
