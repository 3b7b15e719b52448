"""Gathering concurrent redemptions into batches: one transaction every few milliseconds.

A request thread hands its sales to its process's gatherer for the database and waits for
their answers. An applier thread (``HUANXIN_REDEEM_APPLIERS`` per process, default 1: a second
one measured no faster on the loaded 2-core machine) takes the first waiting sale, gathers whatever else
arrives within ``HUANXIN_REDEEM_BATCH_MS`` (up to ``HUANXIN_REDEEM_BATCH_MAX`` sales),
applies them together in one unit of work (``batch.apply``) and hands each caller its own
answer after the commit. While one batch is applied the next one gathers, so under load
batches grow by themselves and one commit, one audit-chain lock and a handful of statements
serve them all.

If the batch's transaction fails as a whole (a lost connection, a deadlock victim, a failed
commit), each of its sales is applied again alone in its own transaction, so a sale never
fails for another sale's reason. Every batch's size, statements and duration are counted
(``stats``); with ``HUANXIN_BATCH_STATS`` naming a file, each batch also appends one JSON
line there (the benchmark reads it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import threading
import time
import weakref
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from huanxin.claims.service import batch
from huanxin.config import get_settings
from huanxin.db import Database

log = logging.getLogger("huanxin.claims.gather")


@dataclass
class _Waiting:
    item: batch.Item
    future: Future[batch.Answer] = field(default_factory=Future)


@dataclass
class Stats:
    batches: int = 0
    sales: int = 0
    statements: int = 0
    sizes: Counter[int] = field(default_factory=Counter)


class Gatherer:
    """The batches of one database in this process (``appliers`` threads apply them, so
    one batch's round trips overlap another's)."""

    def __init__(self, db: Database, *, window: float, max_size: int, appliers: int = 1) -> None:
        self.db, self.window, self.max_size, self.appliers = db, window, max_size, appliers
        self.stats = Stats()
        self._queue: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._counting = threading.local()
        self._stats_file = os.environ.get("HUANXIN_BATCH_STATS", "")
        event.listen(db.engine, "before_cursor_execute", self._count)

    def submit(self, items: list[batch.Item]) -> list[batch.Answer]:
        """Queue ``items`` for the next batches; block until each has its answer."""
        return [future.result() for future in self.enqueue(items)]

    def enqueue(self, items: list[batch.Item]) -> list[Future[batch.Answer]]:
        """Queue ``items`` for the next batches; their answers' futures, in order (never
        blocks: an async route awaits them without holding a worker thread)."""
        self._start()
        waiting = [_Waiting(item) for item in items]
        for entry in waiting:
            self._queue.put(entry)
        return [entry.future for entry in waiting]

    def _start(self) -> None:
        if self._threads:
            return
        with self._lock:
            while len(self._threads) < self.appliers:
                thread = threading.Thread(target=self._loop, name="redeem-batches", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _count(self, *_: Any) -> None:
        if getattr(self._counting, "on", False):
            self._counting.statements += 1

    def _loop(self) -> None:
        while True:
            self._run(self._gather())

    def _gather(self) -> list[_Waiting]:
        waiting = [self._queue.get()]
        deadline = time.monotonic() + self.window
        while len(waiting) < self.max_size:
            left = deadline - time.monotonic()
            try:
                waiting.append(
                    self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                )
            except queue.Empty:
                break
        return waiting

    def _run(self, waiting: list[_Waiting]) -> None:
        items = [w.item for w in waiting]
        self._counting.on, self._counting.statements = True, 0
        started = time.perf_counter()
        try:
            answers: list[batch.Answer | BaseException] = list(self._apply(items))
        except Exception:
            log.exception("redemption batch failed as a whole; applying its sales alone")
            answers = [self._alone(item) for item in items]
        finally:
            self._counting.on = False
        self._record(len(items), self._counting.statements, time.perf_counter() - started)
        for entry, answer in zip(waiting, answers, strict=True):
            if isinstance(answer, BaseException):
                entry.future.set_exception(answer)
            else:
                entry.future.set_result(answer)

    def _apply(self, items: list[batch.Item]) -> list[batch.Answer]:
        with self.db.unit_of_work() as session:
            return batch.apply(session, items)

    def _alone(self, item: batch.Item) -> batch.Answer | BaseException:
        try:
            with self.db.unit_of_work() as session:
                return batch.one(session, item)
        except Exception as exc:
            return exc

    def _record(self, size: int, statements: int, seconds: float) -> None:
        self.stats.batches += 1
        self.stats.sales += size
        self.stats.statements += statements
        self.stats.sizes[size] += 1
        if self._stats_file:
            line = {"size": size, "statements": statements, "ms": round(seconds * 1000, 2)}
            with Path(self._stats_file).open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")


_GATHERERS: weakref.WeakKeyDictionary[Database, Gatherer] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def for_database(db: Database) -> Gatherer:
    """This process's gatherer for ``db`` (created on first use)."""
    with _REGISTRY_LOCK:
        found = _GATHERERS.get(db)
        if found is None:
            settings = get_settings()
            found = Gatherer(
                db,
                window=settings.redeem_batch_ms / 1000,
                max_size=settings.redeem_batch_max,
                appliers=settings.redeem_appliers,
            )
            _GATHERERS[db] = found
        return found


def redeem(db: Database, items: list[batch.Item]) -> list[batch.Answer]:
    """Apply ``items`` through this process's batches; one answer per item, in order."""
    return for_database(db).submit(items)


async def redeem_async(db: Database, items: list[batch.Item]) -> list[batch.Answer]:
    """``redeem`` for a coroutine: the event loop waits for the answers, no thread does."""
    futures = for_database(db).enqueue(items)
    return [await asyncio.wrap_future(future) for future in futures]
