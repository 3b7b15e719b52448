"""The eligible-product catalogue: import from .xlsx/.csv (all or nothing, row-by-row
errors) and the check a redemption makes against it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    ClaimsCode,
    PriceAboveCeiling,
    ProductNotInCatalogue,
    UploadUnreadable,
)
from huanxin.claims.models import CatalogueProduct
from huanxin.config import get_settings
from huanxin.core import audit, identifiers
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import SALE_FEN_MAX
from huanxin.core.clock import utcnow
from huanxin.core.errors import InvalidInput
from huanxin.core.models import User
from huanxin.core.money import parse_yuan, yuan_text

MANUFACTURER = "manufacturer"
HEADERS = ["品类代码", "品牌", "型号", "能效等级", "指导价（元）", "有效期起", "有效期止"]
BARCODE = "商品条码（69码）"  # an optional eighth column


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


class CatalogueFileInvalid(InvalidInput):
    code = ClaimsCode.CATALOGUE_FILE_INVALID

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(
            f"第{first.row}行「{first.column}」：{first.reason}（共{len(errors)}处错误，未导入任何数据）",
            field=first.column,
        )
        self.errors = errors


def read_rows(filename: str, content: bytes) -> list[list[str]]:
    """The rows of an uploaded .csv (UTF-8) or .xlsx (first sheet); an empty or unreadable
    file is refused with ``UploadUnreadable``."""
    suffix = Path(filename).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise InvalidInput("仅支持 .xlsx 或 .csv 文件", field="file")
    if not content.strip():
        raise UploadUnreadable("文件为空")
    return csv_rows(content) if suffix == ".csv" else _xlsx_rows(content)


def csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadUnreadable("文件不是UTF-8编码的CSV") from exc
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise UploadUnreadable("文件不是有效的CSV") from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    except Exception as exc:  # a damaged workbook raises whatever zip/XML/openpyxl raise
        raise UploadUnreadable("文件不是有效的Excel（.xlsx）文件") from exc


def _date(text: str, row: int, column: str, errors: list[RowError]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        errors.append(RowError(row, column, "日期格式应为YYYY-MM-DD"))
        return None


def _barcode(text: str, row: int, errors: list[RowError]) -> str | None:
    if not text.strip():
        return None
    try:
        return identifiers.gtin13(text)
    except InvalidInput as exc:
        errors.append(RowError(row, BARCODE, exc.message))
        return None


def _parse_row(cells: list[str], row: int, errors: list[RowError]) -> CatalogueProduct | None:
    cells = (cells + [""] * 8)[:8]
    category, brand, model, grade, price, start, end, code = (c.strip() for c in cells)
    count = len(errors)
    barcode = _barcode(code, row, errors)
    if not category:
        errors.append(RowError(row, HEADERS[0], "不能为空"))
    if not model:
        errors.append(RowError(row, HEADERS[2], "不能为空"))
    if grade and grade not in {"1", "2", "3", "4", "5"}:
        errors.append(RowError(row, HEADERS[3], "应为1-5"))
    try:
        price_fen = parse_yuan(price)
    except ValueError:
        errors.append(RowError(row, HEADERS[4], "不是有效金额"))
        price_fen = 0
    valid_from = _date(start, row, HEADERS[5], errors) or date(2024, 1, 1)
    valid_to = _date(end, row, HEADERS[6], errors)
    if len(errors) > count:
        return None
    return CatalogueProduct(
        category=category,
        brand=brand,
        model=model,
        grade=int(grade) if grade else None,
        list_price_fen=price_fen,
        barcode=barcode,
        valid_from=valid_from,
        valid_to=valid_to,
        created_at=utcnow(),
    )


def import_file(session: Session, actor: Actor, *, filename: str, content: bytes) -> int:
    rows = read_rows(filename, content)
    if not rows or [c.strip() for c in rows[0][:7]] != HEADERS:
        raise CatalogueFileInvalid([RowError(1, "表头", "表头应为：" + "、".join(HEADERS))])
    errors: list[RowError] = []
    numbered = [
        (i, p)
        for i, r in enumerate(rows[1:], start=2)
        if any(c.strip() for c in r)
        if (p := _parse_row(r, i, errors)) is not None
    ]
    owner = actor.org_id if actor.role == MANUFACTURER else None
    if actor.role == MANUFACTURER:
        errors += _not_owned(session, numbered, owner)
    else:
        _check_listed_within(session, actor, numbered)
    errors += _barcodes_taken(session, numbered)
    if errors:
        raise CatalogueFileInvalid(sorted(errors, key=lambda e: e.row))
    for _row, product in numbered:
        product.owner_org_id = owner
        upsert(session, product, actor.user_id)
    products = [p for _row, p in numbered]
    session.info.pop("claims.catalogue", None)
    audit.record(
        session,
        actor,
        "catalogue.imported",
        object_type="catalogue",
        object_id=filename[:64],
        detail={"rows": len(products)},
    )
    return len(products)


def _barcodes_taken(
    session: Session, numbered: list[tuple[int, CatalogueProduct]]
) -> list[RowError]:
    """A barcode names one model: not two rows of the file, nor a model listed already."""
    codes = {p.barcode for _r, p in numbered if p.barcode}
    listed = {
        code: (category, model)
        for code, category, model in session.execute(
            select(
                CatalogueProduct.barcode, CatalogueProduct.category, CatalogueProduct.model
            ).where(CatalogueProduct.barcode.in_(codes))
        )
    }
    errors: list[RowError] = []
    seen: dict[str, tuple[str, str]] = {}
    for row, p in numbered:
        if not p.barcode:
            continue
        owner = listed.get(p.barcode) or seen.get(p.barcode) or (p.category, p.model)
        if owner != (p.category, p.model):
            errors.append(RowError(row, BARCODE, f"条码已登记为型号「{owner[1]}」"))
        seen.setdefault(p.barcode, (p.category, p.model))
    return errors


def _not_owned(
    session: Session, numbered: list[tuple[int, CatalogueProduct]], owner: int | None
) -> list[RowError]:
    """Rows a manufacturer may not write: models another organisation (or the office) listed."""
    existing = {
        (p.category, p.model): p.owner_org_id
        for p in session.scalars(
            select(CatalogueProduct).where(
                CatalogueProduct.model.in_({p.model for _r, p in numbered})
            )
        )
    }
    return [
        RowError(row, HEADERS[2], "该型号已由其他单位登记，生产企业只能维护本企业登记的产品")
        for row, p in numbered
        if (p.category, p.model) in existing and existing[(p.category, p.model)] != owner
    ]


def _check_listed_within(
    session: Session, actor: Actor, numbered: list[tuple[int, CatalogueProduct]]
) -> None:
    """An office or department changes only models listed by its own jurisdiction or below
    (or by no one in particular): another county's listing is not its to re-price."""
    models = {p.model for _r, p in numbered}
    stmt = (
        select(CatalogueProduct.category, CatalogueProduct.model, User.jurisdiction_code)
        .join(User, User.id == CatalogueProduct.imported_by)
        .where(CatalogueProduct.model.in_(models))
    )
    listed = {(c, m): code for c, m, code in session.execute(stmt)}
    for row, product in numbered:
        code = listed.get((product.category, product.model))
        if code is not None:
            within(
                actor,
                code,
                f"第{row}行：型号「{product.model}」由其他地区登记，只能由登记地区或其上级维护",
                field=HEADERS[2],
            )


def upsert(session: Session, product: CatalogueProduct, user_id: int | None) -> None:
    existing = session.scalars(
        select(CatalogueProduct).where(
            CatalogueProduct.category == product.category, CatalogueProduct.model == product.model
        )
    ).first()
    if existing is None:
        product.imported_by = user_id
        session.add(product)
        return
    for name in ("brand", "grade", "list_price_fen", "barcode", "valid_from", "valid_to"):
        setattr(existing, name, getattr(product, name))


def check_price_ceiling(price_fen: int, filed_fen: int | None = None) -> None:
    """Refuse a sale price above the absolute ceiling, or above the configured multiple of
    the catalogue's filed price (``filed_fen``, when the model is listed with one)."""
    if price_fen > SALE_FEN_MAX:
        raise PriceAboveCeiling(f"成交价超过上限（{yuan_text(SALE_FEN_MAX)}元）", field="price")
    factor = get_settings().price_ceiling_factor
    if filed_fen and price_fen > filed_fen * factor:
        raise PriceAboveCeiling(
            f"成交价超过目录指导价（{yuan_text(filed_fen)}元）的{factor}倍，请核对", field="price"
        )


def check(
    session: Session,
    *,
    category: str,
    model: str,
    grade: int | None,
    on_date: date,
    price_fen: int | None = None,
    barcode: str | None = None,
) -> int | None:
    """Return the grade to subsidise. A category with a catalogue only accepts listed models
    valid on the purchase date, with the listed grade; with ``price_fen``, a price within the
    ceiling (see ``check_price_ceiling``); a model listed with a barcode only with that
    barcode (see ``check_barcode``)."""
    product = _product(session, category, model.strip())
    check_barcode(barcode, product)
    if price_fen is not None:
        check_price_ceiling(price_fen, product.list_price_fen if product else None)
    if product is None and category not in _listed_categories(session):
        return grade
    if product is None:
        raise ProductNotInCatalogue(
            f"型号「{model}」不在该品类补贴产品目录中", field="product_model"
        )
    if product.valid_from > on_date or (product.valid_to and product.valid_to < on_date):
        raise ProductNotInCatalogue(
            f"型号「{model}」在购买日期不在目录有效期内", field="product_model"
        )
    if grade is not None and product.grade is not None and grade != product.grade:
        raise ProductNotInCatalogue(f"能效等级与目录登记的{product.grade}级不一致", field="grade")
    return product.grade if product.grade is not None else grade


_PRODUCTS = "claims.products"


def _product(session: Session, category: str, model: str) -> CatalogueProduct | None:
    known: dict[tuple[str, str], CatalogueProduct | None] = session.info.get(_PRODUCTS, {})
    if (category, model) in known:
        return known[(category, model)]
    return session.scalars(
        select(CatalogueProduct).where(
            CatalogueProduct.category == category, CatalogueProduct.model == model
        )
    ).first()


def prefetch(session: Session, pairs: set[tuple[str, str]]) -> None:
    """Load the products of many (category, model) pairs in one query, for ``check`` to use
    for the rest of the session (a batch of sales reads the catalogue once)."""
    known: dict[tuple[str, str], CatalogueProduct | None] = session.info.setdefault(_PRODUCTS, {})
    wanted = {(c, m.strip()) for c, m in pairs} - set(known)
    if not wanted:
        return
    stmt = select(CatalogueProduct).where(
        tuple_(CatalogueProduct.category, CatalogueProduct.model).in_(sorted(wanted))
    )
    found = {(p.category, p.model): p for p in session.scalars(stmt)}
    known.update({pair: found.get(pair) for pair in wanted})
    session.info.setdefault("claims.product_rows", []).extend(found.values())


def check_barcode(barcode: str | None, product: CatalogueProduct | None) -> None:
    """A keyed-in barcode must be a valid GTIN-13 and, for a model listed with one, be it."""
    code = identifiers.gtin13(barcode) if barcode and barcode.strip() else None
    if product is None or product.barcode is None:
        return
    if code is None:
        raise ProductNotInCatalogue(
            f"型号「{product.model}」已登记商品条码，请扫描或输入商品条码（69码）", field="barcode"
        )
    if code != product.barcode:
        raise ProductNotInCatalogue(
            f"商品条码与型号「{product.model}」登记的条码不符，请核对实物", field="barcode"
        )


def _listed_categories(session: Session) -> frozenset[str]:
    cached: frozenset[str] | None = session.info.get("claims.catalogue")
    if cached is None:
        cached = frozenset(session.scalars(select(CatalogueProduct.category).distinct()))
        session.info["claims.catalogue"] = cached
    return cached


def template_xlsx() -> bytes:
    """An empty import template with the Chinese headers and one example row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "补贴产品目录"
    sheet.append([*HEADERS, BARCODE])
    sheet.append(
        ["refrigerator", "示例品牌", "BCD-500", "1", "5999.00", "2025-01-01", "", "6901234567892"]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
