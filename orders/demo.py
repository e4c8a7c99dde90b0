"""Demo data of planning: sales history, demand signals, a generated forecast and pre-sale orders."""


def seed_forecasts(*, scale: str) -> str:
    return ""
