"""The one list of domains: every part a descriptor names exists and has the expected shape,
no domain package is left out of the list, and the benchmarks are those the domains declare."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import typer
from fastapi import APIRouter
from typer.main import get_command

from huanxin.cli import app as cli_app
from huanxin.core.domain import Domain, load
from huanxin.domains import DOMAINS, by_demo_order
from huanxin.web.ui import MenuItem

SRC = Path(__file__).resolve().parents[1] / "src" / "huanxin"
NOT_DOMAINS = {"core", "web", "migrations"}  # the shared objects, the UI shell, Alembic


def test_every_domain_package_is_in_the_list_once() -> None:
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")} - NOT_DOMAINS
    names = [d.name for d in DOMAINS]
    assert sorted(names) == sorted(packages)
    assert all(load(f"huanxin.{d.name}").DOMAIN is d for d in DOMAINS)


def test_every_named_part_exists_with_its_shape() -> None:
    for domain in DOMAINS:
        assert isinstance(domain, Domain)
        for module in domain.models:
            assert load(module).__name__ == module
        for part in (*domain.api, *domain.pages):
            assert isinstance(load(part).router, APIRouter), part
        if domain.menu:
            assert all(isinstance(item, MenuItem) for item in load(domain.menu).MENU)
        if domain.home:
            assert list(inspect.signature(load(domain.home)).parameters) == ["session", "actor"]
        for command in domain.commands:
            assert isinstance(load(command.app), typer.Typer), command
        if domain.cli_register:
            assert callable(load(domain.cli_register))


def test_the_cli_mounts_every_declared_command_group() -> None:
    mounted = set(get_command(cli_app).commands)  # type: ignore[attr-defined]
    declared = {c.name for d in DOMAINS for c in d.commands}
    assert declared <= mounted


def test_demos_load_in_their_declared_order() -> None:
    order = [d.name for d in by_demo_order()]
    assert order == ["recycling", "claims", "equipment", "secondhand", "supervision", "integrity"]
    assert all(callable(load(d.demo)) for d in by_demo_order() if d.demo)


def test_the_bench_commands_are_the_declared_benchmarks() -> None:
    from bench.cli import bench_app

    commands = set(get_command(bench_app).commands)  # type: ignore[attr-defined]
    assert commands == {name for d in DOMAINS for name in d.benchmarks}


def test_start_up_wires_the_ports_of_the_domains() -> None:
    from huanxin.claims import ports as claims_ports
    from huanxin.domains import wire_ports
    from huanxin.equipment.departures import Ledger
    from huanxin.integrity.service.scores import held_claim_ids
    from huanxin.secondhand import ports as secondhand_ports

    secondhand_ports.install_ledger(None)
    claims_ports._review_holds.clear()
    try:
        with pytest.raises(RuntimeError, match="not wired"):
            claims_ports.held_for_review(None, [1])  # type: ignore[arg-type]
    finally:
        wire_ports()
        wire_ports()  # twice changes nothing
    assert claims_ports._review_holds == [held_claim_ids]
    assert isinstance(secondhand_ports.ledger(), Ledger)
