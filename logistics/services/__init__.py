"""Logistics services, one module per area, re-exported for callers."""
