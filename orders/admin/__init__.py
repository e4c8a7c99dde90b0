"""Orders admin, one module per area, re-exported for callers."""
