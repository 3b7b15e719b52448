"""Public surface of the federation domain: the settings from the environment, the link to
the registry they describe, and the national roll-up (the daily publish job)."""

from huanxin.federation import rollup
from huanxin.federation.settings import from_env
from huanxin.federation.wiring import federation_of

__all__ = ["federation_of", "from_env", "rollup"]
