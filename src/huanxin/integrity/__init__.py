"""Integrity: fraud detectors on DuckDB (and Spark), record linkage, risk scores, review."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "integrity",
    models=("huanxin.integrity.models",),
    api=("huanxin.integrity.routes",),
    pages=("huanxin.integrity.pages",),
    menu="huanxin.integrity.nav",
    home="huanxin.integrity.home:figures",
    commands=(
        Command(
            "integrity", "huanxin.integrity.cli:integrity_app", "骗补识别 integrity: synth, scan"
        ),
    ),
    demo="huanxin.integrity.demo:build_demo",
    demo_order=60,
    benchmarks=("integrity", "integrity-db", "spark"),
    wire="huanxin.integrity.service.scores:wire",
)
