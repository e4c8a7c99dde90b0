"""Orders' models, one module per area; imported here so Django and callers find them in one place."""
