"""API of the equipment domain: enterprises, ledger import, single-row edit and
classification, reports, the project library, the calculators (interest subsidy, tax credit),
the investment indicator and the digitalisation indicators. Thin: every rule is in
``service/``."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Count, Id, Line, Quantity, Year
from huanxin.core.clock import today_cn
from huanxin.equipment import charts, reports
from huanxin.equipment.deps import READ, WRITE, require_any
from huanxin.equipment.ledger_io import write_template
from huanxin.equipment.models import EquipmentItem
from huanxin.equipment.savings import DEFAULT_FACTORS
from huanxin.equipment.schemas import (
    ClassifiedRead,
    ClassifyRequest,
    DigitalReportCreate,
    DigitalReportRead,
    DocumentRead,
    EnterpriseCreate,
    EnterpriseRead,
    EnterpriseSummary,
    EnterpriseUpdate,
    FlagRead,
    ImportRead,
    InvestmentBaselineCreate,
    InvestmentBaselineRead,
    ItemRead,
    ItemUpdate,
    ProjectCreate,
    ProjectDetail,
    ProjectRead,
    SavingRead,
    StepCreate,
    StepRead,
    SubsidyApplied,
    SubsidyCreate,
    SubsidyDecision,
    SubsidyRead,
    SubsidyTerms,
    TaxCreditTerms,
)
from huanxin.equipment.service import (
    digital,
    enterprises,
    indicator,
    items,
    ledger,
    projects,
    subsidy,
    taxcredit,
)
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent, upload_digest
from huanxin.web.kit import downloads, uploads
from huanxin.web.kit.api_lists import Paged
from huanxin.web.openapi import DOCX, XLSX, download

router = APIRouter(prefix="/api/v1/equipment", tags=["equipment"])
Reader = Annotated[Actor, Depends(require_any(*READ))]
Writer = Annotated[Actor, Depends(require_any(*WRITE))]
Manager = Annotated[Actor, Depends(require("equipment:manage"))]


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """A download; the Chinese file name travels in ``filename*`` (RFC 6266)."""
    return downloads.download(content, filename, media_type)


def item_read(item: EquipmentItem, flags: list[Any]) -> ItemRead:
    fields = {k: getattr(item, k) for k in ItemRead.model_fields if k != "flags"}
    return ItemRead(**fields, flags=[FlagRead.model_validate(f) for f in flags])


# --- enterprises ------------------------------------------------------------------------


@router.get("/enterprises")
def list_enterprises(
    actor: Reader, session: DbSession, paged: Paged, sector: Code | None = None
) -> list[EnterpriseRead]:
    rows = paged.slice(enterprises.list_for(session, actor, sector=sector))
    return [EnterpriseRead.model_validate(e) for e in rows]


@router.post("/enterprises", status_code=201)
@idempotent("equipment.enterprise.create")
def create_enterprise(body: EnterpriseCreate, actor: Writer, session: DbSession) -> EnterpriseRead:
    return EnterpriseRead.model_validate(enterprises.register(session, actor, **body.model_dump()))


@router.get("/enterprises/{enterprise_id}")
def get_enterprise(enterprise_id: Id, actor: Reader, session: DbSession) -> EnterpriseRead:
    return EnterpriseRead.model_validate(enterprises.get(session, actor, enterprise_id))


@router.patch("/enterprises/{enterprise_id}")
@idempotent(
    "equipment.enterprise.update",
    payload=lambda enterprise_id, body: {
        "id": enterprise_id,
        **body.model_dump(exclude_unset=True),
    },
)
def update_enterprise(
    enterprise_id: Id, body: EnterpriseUpdate, actor: Writer, session: DbSession
) -> EnterpriseRead:
    changes = body.model_dump(exclude_unset=True)
    ent = enterprises.update(session, actor, enterprise_id=enterprise_id, **changes)
    return EnterpriseRead.model_validate(ent)


# --- ledger -----------------------------------------------------------------------------


@router.get(
    "/template.{fmt}",
    dependencies=[Depends(require_any(*READ))],
    response_class=Response,
    responses=download("text/csv", XLSX),
)
def template(fmt: Code) -> Response:
    suffix = ".csv" if fmt == "csv" else ".xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(Path(tmp) / f"template{suffix}")
        content = path.read_bytes()
    media = "text/csv; charset=utf-8" if suffix == ".csv" else XLSX
    return attachment(content, media, f"设备台账模板{suffix}")


def import_upload(
    session: Session,
    actor: Actor,
    enterprise_id: int,
    upload_name: str,
    content: bytes,
    year: int | None = None,
) -> ledger.ImportResult:
    suffix = PurePath(upload_name or "").suffix.lower() or ".xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        return ledger.import_ledger(
            session,
            actor,
            enterprise_id=enterprise_id,
            path=path,
            filename=upload_name or path.name,
            year=year,
        )


@router.post("/enterprises/{enterprise_id}/ledger", status_code=201)
@idempotent(
    "equipment.ledger.import",
    payload=lambda enterprise_id, file, year: {
        "enterprise_id": enterprise_id,
        "sha256": upload_digest(file),
        "year": year,
    },
)
def import_ledger(
    enterprise_id: Id,
    actor: Writer,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    year: Annotated[Year | None, Form()] = None,
) -> ImportRead:
    """Import a ledger (.xlsx/.csv), all or nothing; errors: 422 with ``errors`` =
    [{row, column, reason}]."""
    content = uploads.content(file)
    result = import_upload(session, actor, enterprise_id, file.filename or "", content, year)
    return ImportRead(**result.__dict__)


@router.get("/items")
def list_items(
    actor: Reader,
    session: DbSession,
    paged: Paged,
    enterprise_id: Id | None = None,
    flag: Annotated[
        Code | None, Query(pattern="^(elimination|renewal_candidate|safety_assessment)$")
    ] = None,
    sector: Code | None = None,
    jurisdiction_code: Code | None = None,
) -> list[ItemRead]:
    """Ledger rows in scope by enterprise, flag, sector and place, in code order, paged."""
    filters = {"sector": sector, "jurisdiction_code": jurisdiction_code}
    stmt = ledger.items_stmt(actor, enterprise_id=enterprise_id, flag=flag, **filters)
    items = paged.rows(session, stmt.order_by(EquipmentItem.id))
    flags = ledger.flags_for(session, [i.id for i in items])
    return [item_read(i, flags[i.id]) for i in items]


@router.get("/items/{item_id}")
def get_item(item_id: Id, actor: Reader, session: DbSession) -> ItemRead:
    item = ledger.get_item(session, actor, item_id)
    return item_read(item, ledger.flags_for(session, [item.id])[item.id])


@router.patch("/items/{item_id}")
@idempotent(
    "equipment.item.update", payload=lambda item_id, body: {"id": item_id, **body.model_dump()}
)
def update_item(item_id: Id, body: ItemUpdate, actor: Writer, session: DbSession) -> ItemRead:
    """Edit one ledger row; validated like an imported row (422 with ``errors`` =
    [{field, column, reason}]), audited and re-classified at once."""
    item = items.update_item(session, actor, item_id=item_id, changes=body.changes, year=body.year)
    return item_read(item, ledger.flags_for(session, [item.id])[item.id])


@router.get("/items/{item_id}/saving")
def item_saving(
    item_id: Id,
    actor: Reader,
    session: DbSession,
    target_grade: Annotated[Count, Query(ge=1, le=2)] = 2,
    kgce_per_kwh: Annotated[Quantity | None, Query(gt=0, le=1)] = None,
    grid_kgco2_per_kwh: Annotated[Quantity | None, Query(gt=0, le=2)] = None,
) -> SavingRead:
    """Annual saving of upgrading one row to grade 2 or 1; the electricity factors may be
    overridden (defaults and their sources in ``factors``)."""
    factors = DEFAULT_FACTORS.with_overrides(
        kgce_per_kwh=kgce_per_kwh, grid_kgco2_per_kwh=grid_kgco2_per_kwh
    )
    estimate = items.saving_estimate(
        session, actor, item_id=item_id, target_grade=target_grade, factors=factors
    )
    return SavingRead(estimate)


@router.post("/enterprises/{enterprise_id}/classify")
@idempotent(
    "equipment.ledger.classify",
    payload=lambda enterprise_id, body: {"id": enterprise_id, **body.model_dump()},
)
def classify_ledger(
    enterprise_id: Id, body: ClassifyRequest, actor: Writer, session: DbSession
) -> ClassifiedRead:
    n = ledger.reclassify(
        session, actor, enterprise_id=enterprise_id, year=body.year, item_ids=body.item_ids
    )
    return ClassifiedRead(classified=n)


@router.get("/enterprises/{enterprise_id}/summary")
def enterprise_summary(enterprise_id: Id, actor: Reader, session: DbSession) -> EnterpriseSummary:
    enterprises.get(session, actor, enterprise_id)
    s = ledger.summary(session, actor, enterprise_id=enterprise_id)
    return EnterpriseSummary(**asdict(s), factors=DEFAULT_FACTORS.describe_zh(), target_grade=2)


# --- reports ----------------------------------------------------------------------------


@router.get(
    "/enterprises/{enterprise_id}/plan.docx", response_class=Response, responses=download(DOCX)
)
def plan_docx(enterprise_id: Id, actor: Reader, session: DbSession) -> Response:
    ent = enterprises.get(session, actor, enterprise_id)
    return attachment(
        reports.plan_docx(session, actor, enterprise_id), DOCX, f"{ent.name}一企一策.docx"
    )


@router.get(
    "/enterprises/{enterprise_id}/plan.xlsx", response_class=Response, responses=download(XLSX)
)
def plan_xlsx(enterprise_id: Id, actor: Reader, session: DbSession) -> Response:
    ent = enterprises.get(session, actor, enterprise_id)
    return attachment(
        reports.plan_xlsx(session, actor, enterprise_id), XLSX, f"{ent.name}一企一策.xlsx"
    )


@router.get("/lists.xlsx", response_class=Response, responses=download(XLSX))
def lists_xlsx(
    actor: Annotated[Actor, Depends(require("equipment:read"))],
    session: DbSession,
    sector: Code | None = None,
    jurisdiction_code: Code | None = None,
) -> Response:
    content = reports.lists_xlsx(session, actor, sector=sector, jurisdiction_code=jurisdiction_code)
    return attachment(content, XLSX, "设备使用现状清单和淘汰清单.xlsx")


# --- projects ---------------------------------------------------------------------------


@router.get("/projects")
def list_projects(
    actor: Reader,
    session: DbSession,
    paged: Paged,
    stage: Code | None = None,
    sector: Code | None = None,
) -> list[ProjectRead]:
    rows = paged.slice(projects.list_for(session, actor, stage=stage, sector=sector))
    return [ProjectRead.model_validate(p) for p in rows]


@router.post("/projects", status_code=201)
@idempotent("equipment.project.create")
def create_project(body: ProjectCreate, actor: Writer, session: DbSession) -> ProjectRead:
    return ProjectRead.model_validate(projects.create(session, actor, **body.model_dump()))


@router.get("/projects/{project_id}")
def get_project(project_id: Id, actor: Reader, session: DbSession) -> ProjectDetail:
    p = projects.get(session, actor, project_id)
    return ProjectDetail(
        **ProjectRead.model_validate(p).model_dump(),
        steps=[StepRead.model_validate(s) for s in projects.steps(session, p.id)],
        documents=[DocumentRead.model_validate(d) for d in projects.documents(session, p.id)],
        scrapped_item_ids=[i.id for i in projects.scrapped_items(session, p.id)],
    )


@router.post("/projects/{project_id}/steps")
@idempotent(
    "equipment.project.step",
    payload=lambda project_id, body: {"id": project_id, **body.model_dump(mode="json")},
)
def advance_project(
    project_id: Id, body: StepCreate, actor: Writer, session: DbSession
) -> ProjectRead:
    """Move the project one stage on; an illegal step answers 409 with the reason."""
    p = projects.advance(session, actor, project_id=project_id, **body.model_dump())
    return ProjectRead.model_validate(p)


@router.post("/projects/{project_id}/documents", status_code=201)
@idempotent(
    "equipment.project.document",
    payload=lambda project_id, doc_type, file: {
        "id": project_id,
        "doc_type": doc_type,
        "sha256": upload_digest(file),
    },
)
def add_document(
    project_id: Id,
    actor: Writer,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    doc_type: Annotated[Code, Form()] = "other",
) -> DocumentRead:
    content = uploads.content(file)
    doc = projects.add_document(
        session,
        actor,
        project_id=project_id,
        doc_type=doc_type,
        filename=file.filename or "",
        content=content,
    )
    return DocumentRead.model_validate(doc)


@router.get(
    "/projects/{project_id}/documents/{document_id}",
    response_class=Response,
    responses=download("application/pdf", "image/jpeg", "image/png"),
)
def get_document(project_id: Id, document_id: Id, actor: Reader, session: DbSession) -> Response:
    doc = projects.get_document(session, actor, project_id=project_id, document_id=document_id)
    return attachment(doc.content, doc.content_type, doc.filename)


@router.get("/dashboard")
def dashboard(actor: Reader, session: DbSession) -> projects.ProjectDashboard:
    return projects.dashboard(session, actor)


@router.get("/dashboard.svg", response_class=Response, responses=download("image/svg+xml"))
def dashboard_svg(actor: Reader, session: DbSession) -> Response:
    return Response(
        charts.dashboard_svg(projects.dashboard(session, actor)), media_type="image/svg+xml"
    )


# --- interest subsidies -----------------------------------------------------------------


@router.post("/subsidy-quote", dependencies=[Depends(require_any(*READ))])
def subsidy_quote(body: SubsidyTerms) -> subsidy.SubsidyQuote:
    """The calculator: nothing is stored."""
    return subsidy.quote(**body.model_dump())


@router.post("/tax-credit-quote", dependencies=[Depends(require_any(*READ))])
def tax_credit_quote(body: TaxCreditTerms) -> taxcredit.TaxCreditEstimate:
    """Tax-credit estimate for special equipment (nothing is stored): credit per year against
    the tax schedule, carry-forward, expiry, the arithmetic explained and the rule's source."""
    return taxcredit.estimate(
        investments=[(i.year, i.amount_fen) for i in body.investments],
        taxes=[(t.year, t.amount_fen) for t in body.taxes],
        share_bp=body.share_bp,
        carry_years=body.carry_years,
    )


@router.get("/subsidies")
def list_subsidies(
    actor: Reader,
    session: DbSession,
    paged: Paged,
    project_id: Id | None = None,
    status: Code | None = None,
) -> list[SubsidyRead]:
    rows = paged.slice(subsidy.list_for(session, actor, project_id=project_id, status=status))
    return [SubsidyRead.model_validate(r) for r in rows]


@router.post("/subsidies", status_code=201)
@idempotent("equipment.subsidy.apply")
def apply_subsidy(body: SubsidyCreate, actor: Writer, session: DbSession) -> SubsidyApplied:
    row = subsidy.apply(session, actor, **body.model_dump())
    return SubsidyApplied(
        **SubsidyRead.model_validate(row).model_dump(),
        periods=subsidy.periods_of(row),
        rule=subsidy.RULE_ZH,
    )


@router.post("/subsidies/{subsidy_id}/decision")
@idempotent(
    "equipment.subsidy.decide",
    payload=lambda subsidy_id, body: {"id": subsidy_id, **body.model_dump()},
)
def decide_subsidy(
    subsidy_id: Id, body: SubsidyDecision, actor: Manager, session: DbSession
) -> SubsidyRead:
    row = subsidy.decide(session, actor, subsidy_id=subsidy_id, **body.model_dump())
    return SubsidyRead.model_validate(row)


# --- indicator --------------------------------------------------------------------------


@router.get("/indicator")
def investment_indicator(
    actor: Annotated[Actor, Depends(require("equipment:read"))],
    session: DbSession,
    year: Year | None = None,
) -> indicator.Investment:
    return indicator.investment_indicator(
        session, jurisdiction_codes=actor.scope_codes, year=year or today_cn().year
    )


@router.post("/baselines", status_code=201)
@idempotent("equipment.baseline.set")
def set_baseline(
    body: InvestmentBaselineCreate, actor: Manager, session: DbSession
) -> InvestmentBaselineRead:
    row = indicator.set_baseline(session, actor, **body.model_dump())
    return InvestmentBaselineRead(id=row.id, **body.model_dump())


# --- digitalisation indicators ----------------------------------------------------------


@router.get("/enterprises/{enterprise_id}/digital")
def list_digital(
    enterprise_id: Id, actor: Reader, session: DbSession, paged: Paged
) -> list[DigitalReportRead]:
    rows = paged.slice(digital.for_enterprise(session, actor, enterprise_id))
    return [DigitalReportRead.model_validate(r) for r in rows]


@router.post("/enterprises/{enterprise_id}/digital", status_code=201)
@idempotent(
    "equipment.digital.report",
    payload=lambda enterprise_id, body: {"id": enterprise_id, **body.model_dump()},
)
def report_digital(
    enterprise_id: Id,
    body: DigitalReportCreate,
    actor: Writer,
    session: DbSession,
    response: Response,
) -> DigitalReportRead:
    """Report (or correct) the year's CNC rate and design-tool penetration, in basis points:
    201 when the year's report is new, 200 when it corrects one."""
    row, created = digital.report(session, actor, enterprise_id=enterprise_id, **body.model_dump())
    response.status_code = 201 if created else 200
    return DigitalReportRead.model_validate(row)


@router.get("/digital")
def digital_indicator(
    actor: Annotated[Actor, Depends(require("equipment:read"))],
    session: DbSession,
    year: Year | None = None,
    by: Annotated[Line, Query(pattern="^(sector|jurisdiction)$")] = "sector",
    sector: Code | None = None,
) -> digital.DigitalIndicator:
    """Mean reported rates per sector or jurisdiction, with the 2027 targets."""
    return digital.aggregate(session, actor, year=year or today_cn().year, by=by, sector=sector)
