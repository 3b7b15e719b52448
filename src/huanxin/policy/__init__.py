"""Subsidy programmes as data: YAML schema, loader, quote engine, stored versions."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "policy",
    models=("huanxin.policy.models",),
    api=("huanxin.policy.routes",),
    pages=("huanxin.policy.pages",),
    commands=(
        Command(
            "policy",
            "huanxin.policy.cli:policy_app",
            "补贴政策 subsidy programmes: quote, validate, sync",
        ),
    ),
)
