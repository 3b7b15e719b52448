"""An import-linter contract type: a domain imports another domain only through its public
surface (``huanxin.<domain>`` itself and the modules the contract names, e.g. ``api``,
``ports``, ``service`` and their descendants). Registered in pyproject.toml as
``domain_surface``; ``lint-imports`` loads it from the repository root (``make lint``)."""

from __future__ import annotations

import grimp
from importlinter.application import contract_utils, output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class DomainSurfaceContract(Contract):
    """Options: ``container`` (the root package), ``domains`` (its subpackages that are
    domains), ``surface`` (module names relative to a domain that others may import, with their
    descendants), ``ignore_imports`` (known exceptions; one no longer in the graph fails)."""

    type_name = "domain_surface"

    container = fields.StringField()
    domains = fields.ListField(subfield=fields.StringField())
    surface = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        illegal = []
        for importer in sorted(graph.modules):
            source = self._domain_of(importer)
            if source is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = self._domain_of(imported)
                if target not in (None, source) and not self._public(target, imported):
                    lines = graph.get_import_details(importer=importer, imported=imported)
                    numbers = ", ".join(str(d["line_number"]) for d in lines)
                    illegal.append(f"{importer} -> {imported} (l.{numbers})")
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"illegal": illegal},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports of another domain's internals:", bold=False)
        output.new_line()
        for line in check.metadata["illegal"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()
        output.print("Import its public surface instead, or add it to that surface.")

    def _domain_of(self, module: str) -> str | None:
        parts = module.split(".")
        root = str(self.container)
        if len(parts) < 2 or parts[0] != root or parts[1] not in self._domains():
            return None
        return parts[1]

    def _domains(self) -> set[str]:
        return {str(d) for d in self.domains}  # type: ignore[attr-defined]

    def _public(self, domain: str, module: str) -> bool:
        base = f"{self.container}.{domain}"
        if module == base:
            return True
        for name in self.surface:  # type: ignore[attr-defined]
            public = f"{base}.{name}"
            if module == public or module.startswith(public + "."):
                return True
        return False
