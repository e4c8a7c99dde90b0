"""Dispatch demo (filled in below)."""


def seed_dispatch(*, scale: str) -> str:
    return ""
