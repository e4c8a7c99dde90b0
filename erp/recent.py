"""Values an app process keeps for a few seconds (a setting says how many; 0 keeps nothing), for reads
so hot that even one statement each shows: the API token (erp/api/token_cache.py) and the flash sale
the intake is taking orders for (orders.selectors.flash). Bounded: when full it starts again empty."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings


class Recent:
    def __init__(self, setting: str, most: int) -> None:
        self.setting = setting
        self.most = most
        self._kept: dict[Any, tuple[float, Any]] = {}

    def seconds(self) -> float:
        return float(getattr(settings, self.setting, 0) or 0)

    def get(self, key: Any) -> Any | None:
        """The value put under ``key`` less than ``seconds()`` ago, else None."""
        ttl = self.seconds()
        found = self._kept.get(key) if ttl > 0 else None
        if found is None or time.monotonic() - found[0] >= ttl:
            return None
        return found[1]

    def put(self, key: Any, value: Any) -> None:
        if self.seconds() <= 0:
            return
        if len(self._kept) >= self.most:
            self._kept.clear()
        self._kept[key] = (time.monotonic(), value)

    def forget(self, key: Any = None) -> None:
        """Forget ``key``, or everything when no key is given."""
        if key is None:
            self._kept.clear()
        else:
            self._kept.pop(key, None)

    def __len__(self) -> int:
        return len(self._kept)
