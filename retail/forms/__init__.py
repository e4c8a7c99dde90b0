"""Retail's forms, one module per area."""
