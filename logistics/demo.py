"""Demo data of the production schedule (filled in below)."""


def seed_production(*, scale: str) -> str:
    return ""
