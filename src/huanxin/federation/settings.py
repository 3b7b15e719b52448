"""Federation settings from the environment; without ``HUANXIN_REGISTRY_URL`` there is none.

* ``HUANXIN_REGISTRY_URL``: the national registry's base URL (deployment side);
* ``HUANXIN_REGISTRY_TOKEN``: this deployment's bearer token at the registry;
* ``HUANXIN_FEDERATION_KEY``: the national hashing key(s), ``version:secret[,older]``;
* ``HUANXIN_REGISTRY_TIMEOUT``: seconds a call may take (default 2);
* ``HUANXIN_FEDERATION_DRAIN_SECONDS``: how often the queue is retried (default 5; 0: never
  in the background, only ``huanxin federation drain``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from huanxin.federation.keys import Keyring


@dataclass(frozen=True)
class FederationSettings:
    registry_url: str
    token: str
    keyring: Keyring
    timeout: float = 2.0
    drain_seconds: float = 5.0


def from_env() -> FederationSettings | None:
    url = os.environ.get("HUANXIN_REGISTRY_URL", "").strip()
    if not url:
        return None
    return FederationSettings(
        registry_url=url,
        token=os.environ.get("HUANXIN_REGISTRY_TOKEN", ""),
        keyring=Keyring.parse(os.environ.get("HUANXIN_FEDERATION_KEY", "")),
        timeout=float(os.environ.get("HUANXIN_REGISTRY_TIMEOUT", "2")),
        drain_seconds=float(os.environ.get("HUANXIN_FEDERATION_DRAIN_SECONDS", "5")),
    )
