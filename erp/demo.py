"""Demo-data steps that higher apps add to ``seed_demo`` without the kernel importing them.

An app registers a step from its ``AppConfig.ready``; ``seed_demo`` runs the kernel's own
seeding, then every registered step in registration order (that is, in app order), inside
the same transaction. A step must be idempotent: it adds only what is missing and returns
a short summary of what it added (e.g. "3 suppliers"), or "" for nothing to say.
"""

from collections.abc import Callable
from typing import Protocol


class DemoStep(Protocol):
    def __call__(self, *, scale: str) -> str: ...


_STEPS: list[Callable[..., str]] = []


def demo_step_register(step: DemoStep) -> DemoStep:
    """Add ``step`` (called as ``step(scale=...)``) to ``seed_demo``; registering twice keeps one."""
    if step not in _STEPS:
        _STEPS.append(step)
    return step


def demo_steps() -> list[Callable[..., str]]:
    return list(_STEPS)


_LOGINS: list[tuple[str, str, str]] = []


def demo_login_register(username: str, role: str, where: str) -> None:
    """An extra demo login that ``seed_demo`` prints with the others (e.g. a supplier's API user)."""
    if (username, role, where) not in _LOGINS:
        _LOGINS.append((username, role, where))


def demo_logins() -> list[tuple[str, str, str]]:
    return list(_LOGINS)
