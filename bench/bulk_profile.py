"""Where a bulk submission's server CPU goes, without HTTP or threads (cProfile, CPU time).

    .venv/bin/python -m bench.bulk_profile [--database-url URL] [--requests N] [--top K]

Loads the claims benchmark's hot-pool world (``huanxin.claims.sales_world``) into a fresh
database (a new PostgreSQL database on the given server, dropped afterwards), then handles
``--requests`` bulk submissions of ``BULK_SIZE`` sales the way ``POST
/api/v1/redemptions/bulk`` does on its applier thread and in its route: the body parsed into
``BulkRedeemRequest``, the sales applied in one unit of work (``batch.apply``), the answer
rendered as the route renders it (each sale's stored body in ``BulkRedeemRead``'s shape). It prints the CPU milliseconds per sale of that
work (``time.process_time``: other processes' load does not inflate it the way it inflates
wall time) and, with ``--top``, the functions that took the most of it (cumulative). The
first request is a warm-up and is not counted. uvicorn, the token look-up and the request
log are not in it: ``huanxin bench claims --case bulk`` measures the whole server.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
import uuid
from typing import Any

from bench.claims import BULK_SIZE, _ensure_secret, _sale
from huanxin.claims import sales_world as world


def _requests(codes: list[tuple[str, str]], count: int) -> list[bytes]:
    out = []
    for r in range(count):
        first = r * BULK_SIZE
        chunk = codes[first : first + BULK_SIZE]
        sales = [_sale(first + i, code, cat) for i, (code, cat) in enumerate(chunk)]
        out.append(json.dumps({"sales": sales}).encode())
    return out


def _handle(db: Any, actor: Any, key: str, body: bytes) -> int:
    """One bulk submission as the route and the applier thread handle it; sales stored."""
    from fastapi.responses import JSONResponse

    from huanxin.claims.routes.claims import _item
    from huanxin.claims.schemas import BulkRedeemRequest
    from huanxin.claims.service import batch

    request = BulkRedeemRequest.model_validate_json(body)
    keys = [f"{key}#{i}" for i in range(len(request.sales))]
    items = [_item(actor, k, sale) for k, sale in zip(keys, request.sales, strict=True)]
    with db.unit_of_work() as session:
        answers = batch.apply(session, items)
    results = [
        {"index": i, "idempotency_key": k, "status": a.status, "replayed": a.replayed}
        | {"claim": a.body, "error": None}
        for i, (k, a) in enumerate(zip(keys, answers, strict=True))
        if a.error is None
    ]
    failed = len(items) - len(results)
    JSONResponse({"succeeded": len(results), "failed": failed, "results": results})
    return len(results)


def run(url: str, requests: int, top: int, save: str = "") -> dict[str, Any]:
    from huanxin.core import auth
    from huanxin.db import Database

    _ensure_secret()
    loaded = world.load(url, "hot_pool", (requests + 1) * BULK_SIZE)
    db = Database(url)
    try:
        actor = auth.cached_actor_from_token(db.sessions, loaded.token)
        assert actor is not None
        bodies = _requests(loaded.quotas, requests + 1)
        _handle(db, actor, "warm", bodies[0])
        profile = cProfile.Profile(time.process_time)
        cpu0, wall0, sales = time.process_time(), time.perf_counter(), 0
        if top or save:  # the profiler's own overhead is in the figures then
            profile.enable()
        for n, body in enumerate(bodies[1:]):
            sales += _handle(db, actor, f"p{n}", body)
        profile.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    finally:
        db.dispose()
    if save:
        profile.dump_stats(save)
    if top:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
        sys.stderr.write(out.getvalue())
    return {
        "sales": sales,
        "expected": requests * BULK_SIZE,
        "cpu_ms_per_sale": round(cpu * 1000 / max(1, sales), 3),
        "wall_ms_per_sale": round(wall * 1000 / max(1, sales), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--save", default="", help="write the profile (pstats) to this file")
    args = parser.parse_args(argv)
    with world.postgres_database(args.database_url, "bulkprof-" + uuid.uuid4().hex[:6]) as url:
        result = run(url, args.requests, args.top, args.save)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
