"""Orders importers, one module per area, re-exported for callers."""
