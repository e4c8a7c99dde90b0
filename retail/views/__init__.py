"""Retail's pages: staff pages per area and the retailer portal (``portal_*`` modules)."""
