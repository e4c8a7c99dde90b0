"""Logistics apis, one module per area, re-exported for callers."""
