"""Fixtures of the federation tests (the harness lives in ``tests/federation_harness.py``)."""

from federation_harness import fed, federated

__all__ = ["fed", "federated"]
