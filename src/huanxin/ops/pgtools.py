"""PostgreSQL client tools and connection strings for them.

The platform's URL is SQLAlchemy's (``postgresql+psycopg://…``, possibly with several
``host=`` entries for failover); pg_dump and pg_restore take libpq's conninfo, built here by
the psycopg dialect itself so both read the same hosts, ports and options.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url


def conninfo(url: str, **override: str) -> str:
    parsed = make_url(url)
    dialect = parsed.get_dialect()()
    _args, kwargs = dialect.create_connect_args(parsed)
    kwargs.update(override)
    return make_conninfo(**{k: str(v) for k, v in kwargs.items() if v is not None})


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def tool(name: str) -> str:
    """The newest installed ``name`` (a newer pg_dump reads an older server, not the reverse)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_major)
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path is None:
        raise FileNotFoundError(f"未找到 PostgreSQL 工具 {name}（请安装 postgresql-client）")
    return on_path


def server_tool(name: str) -> str:
    """Server binaries (initdb, pg_ctl, pg_basebackup) of the newest installed version."""
    return tool(name)


def _major(path: Path) -> Any:
    part = path.parts[-3]
    return int(part) if part.isdigit() else 0
