"""Orders selectors, one module per area, re-exported for callers."""
