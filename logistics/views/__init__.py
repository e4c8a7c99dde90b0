"""Logistics views, one module per area, re-exported for callers."""
