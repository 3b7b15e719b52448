"""The garbage collector's full collections in a server worker (the p99 of a sale).

A worker holds ~640,000 long-lived objects (modules, routes, mappers, schemas, caches), and
every full (generation 2) collection walks all of them: ~300–400 ms of CPU on the 2-core
machine, during which the worker's event loop and its batch applier stand still. In
``huanxin bench claims`` each worker ran about one such collection per run, and the requests
it stalled were the p99 tail (issue 16; docs/tradein.md). ``huanxin.asgi`` arms this module:
the objects alive after the app is built, and again once the worker has served its first
``WARMUP_REQUESTS`` requests (routes, mappers and caches are partly built by the first
requests), move to the permanent generation (``gc.freeze``). Later full collections then walk
only what was created since. Garbage made later is still collected as before; a frozen
object is never freed by the collector, which suits objects meant to live as long as the
process (reference counting still frees any that become unreferenced).
"""

from __future__ import annotations

import gc

WARMUP_REQUESTS = 200

_state = {"armed": False, "seen": 0}


def arm() -> None:
    """Freeze what is alive now, and again after the first ``WARMUP_REQUESTS`` requests."""
    _state["armed"], _state["seen"] = True, 0
    freeze()


def note_request() -> None:
    """Count one served request (the event loop calls this); freezes once, at the count."""
    if not _state["armed"]:
        return
    _state["seen"] += 1
    if _state["seen"] == WARMUP_REQUESTS:
        freeze()


def freeze() -> None:
    """Collect once (the garbage would be frozen with the rest), then freeze the survivors."""
    gc.collect()
    gc.freeze()
