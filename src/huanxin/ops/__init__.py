"""Operations: health and readiness, metrics, structured logs, backup and restore, scheduled
jobs, key rotation and the PostgreSQL failover drill."""

from huanxin.core.domain import Domain

DOMAIN = Domain(
    "ops",
    models=("huanxin.ops.jobs.models",),
    api=("huanxin.ops.routes",),
    pages=("huanxin.ops.pages",),
    menu="huanxin.ops.nav",
    cli_register="huanxin.ops.cli:register",
    platform=True,
)
