"""Run one of the platform's benchmarks; each prints JSON, the result on its last line.

    .venv/bin/python bench/run.py NAME [OPTIONS]

NAME is one of the benchmarks the domains declare (``huanxin.domains``: ``claims``,
``dispatch``, ``equipment``, ``plans``, ``integrity``, ``spark``, ``federation``); the options
are those of ``huanxin bench NAME --help`` (``--json`` is added). The measuring code, the
bench worlds and the synthetic-data generators live in this package (``bench/``), outside the
shipped ``huanxin`` package; docs/benchmarks.md records every figure quoted in the docs with
the command that printed it and the machine's load.
"""

from __future__ import annotations

import sys

from huanxin.cli import app
from huanxin.domains import DOMAINS

BENCHMARKS = tuple(name for domain in DOMAINS for name in domain.benchmarks)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in BENCHMARKS:
        sys.exit(f"usage: bench/run.py {{{','.join(BENCHMARKS)}}} [OPTIONS]")
    name, options = argv[0], argv[1:]
    app(["bench", name, "--json", *options])


if __name__ == "__main__":
    main(sys.argv[1:])
