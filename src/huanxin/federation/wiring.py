"""Start-up wiring: with a registry configured, install the claims port's adapter for the
deployment's engine and drain the queue in the background; without one, install only the
payment hold (claims queued while a registry was configured are never paid unconfirmed)."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable

from sqlalchemy.engine import Engine

from huanxin.claims.service import national
from huanxin.db import Database
from huanxin.federation.client import RegistryClient
from huanxin.federation.drain import drain
from huanxin.federation.service import Federation, LocalHolds
from huanxin.federation.settings import FederationSettings, from_env

log = logging.getLogger("huanxin.federation")
_FEDERATIONS: weakref.WeakKeyDictionary[Engine, Federation] = weakref.WeakKeyDictionary()


def install(db: Database, fed: Federation | None) -> None:
    """Wire (or unwire) ``fed`` as the deployment on ``db``'s link to the registry."""
    national.install(db.engine, fed)
    if fed is None:
        _FEDERATIONS.pop(db.engine, None)
    else:
        _FEDERATIONS[db.engine] = fed


def federation_of(settings: FederationSettings) -> Federation:
    client = RegistryClient(settings.registry_url, settings.token, timeout=settings.timeout)
    return Federation(client, settings.keyring)


def wire(db: Database, settings: FederationSettings | None = None) -> Callable[[], None]:
    """Install the adapter on ``db``; returns the function that stops the drain thread."""
    settings = settings or from_env()
    if settings is None:
        national.install(db.engine, LocalHolds())
        return lambda: national.install(db.engine, None)
    fed = federation_of(settings)
    install(db, fed)
    if settings.drain_seconds <= 0:
        return lambda: install(db, None)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(settings.drain_seconds):
            try:
                drain(db, fed)
            except Exception:  # keep draining on the next tick; the error is logged
                log.exception("federation.drain_failed")

    thread = threading.Thread(target=loop, name="federation-drain", daemon=True)
    thread.start()

    def stop_all() -> None:
        stop.set()
        thread.join(timeout=10)
        install(db, None)

    return stop_all


def federation_for(engine: Engine) -> Federation | None:
    """The deployment's federation (for the review queue's decisions), if wired."""
    return _FEDERATIONS.get(engine)
