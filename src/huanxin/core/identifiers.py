"""Identifier validation, normalisation and masking shared by every domain.

Resident ID (GB 11643), unified social credit code (GB 32100, GB 11714 soft check), VIN
(ISO 3779 / GB 16735), mainland mobile, invoice code/number (structure only: no public check
digit), bank card (Luhn). Validators normalise (NFKC, whitespace, case, separators), check, and
return the normalised value or raise :class:`InvalidIdentifier` (422) with a Chinese message;
``reason`` is a stable code matching ``shared/data/validation_vectors.json``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from huanxin.core.errors import InvalidInput

# Province-level prefixes of GB/T 2260 address codes, plus 71 (Taiwan) and 81/82/83
# (Hong Kong, Macao, Taiwan residence permits, GB 11643 as amended). Only the province prefix
# is checked: people keep their number after county boundary changes.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_MESSAGES: dict[tuple[str, str], str] = {
    ("resident_id", "format"): "身份证号码格式不正确（应为18位，最后一位可为X）",
    ("resident_id", "region"): "身份证号码地址码不存在",
    ("resident_id", "birthdate"): "出生日期不存在",
    ("resident_id", "birthdate_range"): "出生日期晚于当前日期",
    ("resident_id", "checksum"): "身份证号码校验位错误",
    ("uscc", "length"): "统一社会信用代码应为18位",
    ("uscc", "charset"): "统一社会信用代码含有不允许的字符",
    ("uscc", "region_not_digits"): "统一社会信用代码第3至8位应为行政区划数字代码",
    ("uscc", "checksum"): "统一社会信用代码校验位错误",
    ("vin", "format"): "车架号(VIN)格式不正确（应为17位字母或数字，不含I、O、Q）",
    ("vin", "model_year_code"): "车架号(VIN)第10位年份代码无效",
    ("vin", "checksum"): "车架号(VIN)校验位错误",
    ("mobile", "format"): "手机号码格式不正确",
    ("mobile", "length"): "手机号码应为11位数字",
    ("mobile", "unallocated_prefix"): "手机号码号段不存在",
    ("mobile", "unallocated_prefix_strict"): "手机号码号段尚未分配",
    ("invoice_no", "format"): "发票号码格式不正确（应为20位、12位、10位或8位数字）",
    ("invoice_no", "year"): "发票号码中的年份无效",
    ("invoice_no", "province"): "发票号码中的地区代码无效",
    ("bank_card", "format"): "银行卡号格式不正确（应为13至19位数字）",
    ("bank_card", "checksum"): "银行卡号校验位错误",
    ("gtin", "format"): "商品条码应为13位数字（69码）",
    ("gtin", "checksum"): "商品条码校验位错误，请核对",
}


class InvalidIdentifier(InvalidInput):
    """An identifier fails validation; ``reason`` is a stable machine code."""

    def __init__(self, message: str, *, field: str, kind: str, reason: str) -> None:
        super().__init__(message, field=field)
        self.kind = kind
        self.reason = reason

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "reason": self.reason}


def _checker(kind: str, field: str) -> Callable[[bool, str], None]:
    # need(ok, reason) raises the InvalidIdentifier for ``reason`` unless ``ok``
    def need(ok: bool, reason: str) -> None:
        if not ok:
            raise InvalidIdentifier(_MESSAGES[kind, reason], field=field, kind=kind, reason=reason)

    return need


def _clean(value: str, *, drop: str = "") -> str:
    """NFKC-normalise, remove whitespace and the characters in ``drop``, upper-case."""
    text = "".join(unicodedata.normalize("NFKC", value).split())
    return text.translate({ord(c): None for c in drop}).upper()


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _all_digits(value: str) -> bool:
    return re.fullmatch(r"[0-9]+", value) is not None  # ASCII only: str.isdigit is Unicode


# --- Resident ID (GB 11643-1999, ISO 7064 MOD 11-2) -------------------------------------

_RID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # W_i = 2^(18-i) mod 11


def resident_id_check_char(body: str) -> str:
    """Check character for the first 17 digits of a resident ID.

    >>> resident_id_check_char("11010519491231002")
    'X'
    """
    total = sum(int(c) * w for c, w in zip(body, _RID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _normalize_resident_id(value: str) -> str:
    text = _clean(value)
    if len(text) == 15 and _all_digits(text):  # GB 11643-1989: add century and check char
        body = text[:6] + "19" + text[6:]
        return body + resident_id_check_char(body)
    return text


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def resident_id(
    value: str, *, field: str = "resident_id", today: date | None = None, normalize: bool = True
) -> str:
    """Validate a resident ID number; return it normalised (18 chars, upper-case X).

    >>> resident_id(" 11010519491231002x")
    '11010519491231002X'
    """
    text = _normalize_resident_id(value) if normalize else value
    need = _checker("resident_id", field)
    need(re.fullmatch(r"[0-9]{17}[0-9X]", text) is not None, "format")
    need(text[:2] in PROVINCE_CODES, "region")
    born = _birth_date(text[6:14])
    need(born is not None, "birthdate")
    need(born is None or born <= _today(today), "birthdate_range")
    need(resident_id_check_char(text[:17]) == text[17], "checksum")
    return text


def birth_date_of(value: str) -> date:
    """Birth date encoded in a resident ID (validated first).

    >>> birth_date_of("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    text = resident_id(value)
    return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))


def gender_of(value: str) -> Literal["male", "female"]:
    """Gender encoded by the sequence digit of a resident ID: odd male, even female.

    >>> gender_of("110101199003074477"), gender_of("310104198511110026")
    ('male', 'female')
    """
    return "male" if int(resident_id(value)[16]) % 2 else "female"


# --- Unified social credit code (GB 32100-2015) -----------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 chars: no I O S V Z
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # W_i = 3^(i-1) mod 31
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997


def uscc_check_char(body: str) -> str:
    """Check character for the first 17 characters of a USCC.

    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def uscc(value: str, *, field: str = "uscc", normalize: bool = True) -> str:
    """Validate a unified social credit code; return it normalised (upper-case).

    >>> uscc("91110108551385082q")
    '91110108551385082Q'
    """
    text = _clean(value) if normalize else value
    need = _checker("uscc", field)
    need(len(text) == 18, "length")
    need(all(c in _USCC_ALPHABET for c in text), "charset")
    need(_all_digits(text[2:8]), "region_not_digits")
    need(uscc_check_char(text[:17]) == text[17], "checksum")
    return text


def uscc_orgcode_ok(value: str) -> bool:
    """Soft check (warn, never reject): GB 11714 check of the org code in positions 9-17.

    >>> uscc_orgcode_ok("91350100M000100Y43"), uscc_orgcode_ok("91350100M000100Y53")
    (True, False)
    """
    code = _clean(value)[8:17]
    if len(code) != 9 or any(c not in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" for c in code):
        return False
    total = sum(int(c, 36) * w for c, w in zip(code[:8], _ORG_WEIGHTS, strict=True))
    return code[8] == "0123456789X0"[11 - total % 11]  # 10 -> X, 11 -> 0


# --- VIN (ISO 3779, GB 16735-2019 Annex A: check digit mandatory in China) ---------------

_VIN_TRANSLIT = str.maketrans("ABCDEFGHJKLMNPRSTUVWXYZ", "12345678123457923456789")  # ISO 3779
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_char(value: str) -> str:
    """Check digit (position 9) of a 17-character VIN; position 9 itself has weight 0.

    >>> vin_check_char("1G4AH59H05G118341")
    '4'
    """
    values = (int(c.translate(_VIN_TRANSLIT)) for c in value)
    remainder = sum(v * w for v, w in zip(values, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin(value: str, *, field: str = "vin", normalize: bool = True, check_digit: bool = True) -> str:
    """Validate a VIN; return it normalised (upper-case).

    GB 16735 requires the check digit in China; ``check_digit=False`` skips it (other markets).

    >>> vin("1m8gdm9axkp042788")
    '1M8GDM9AXKP042788'
    """
    text = _clean(value, drop="-") if normalize else value
    need = _checker("vin", field)
    need(re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", text) is not None, "format")
    need(text[9] not in "UZ0", "model_year_code")  # I, O, Q are already excluded
    need(not check_digit or vin_check_char(text) == text[8], "checksum")
    return text


# --- Mainland mobile numbers ---------------------------------------------------------------

# libphonenumber 9.0.43, CN mobile nationalNumberPattern. Allocations change: update from
# libphonenumber's metadata when a new segment opens.
MOBILE_PATTERN = re.compile(
    r"1(?:610[0-9]|740[0-5])[0-9]{6}|1(?:[38][0-9]|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])[0-9]{8}"
)


def _normalize_mobile(value: str) -> str:
    text = _clean(value, drop="-()")
    for prefix, length in (("+86", 14), ("0086", 15), ("86", 13)):
        if text.startswith(prefix) and len(text) == length:
            return text[len(prefix) :]
    return text


def mobile(value: str, *, field: str = "mobile", normalize: bool = True) -> str:
    """Validate a mainland mobile number; return its 11 digits.

    >>> mobile("+86 138-0013-8000")
    '13800138000'
    """
    text = _normalize_mobile(value) if normalize else value
    need = _checker("mobile", field)
    need(_all_digits(text) and text.startswith("1"), "format")
    need(len(text) == 11, "length")
    need(re.fullmatch(r"1[3-9][0-9]{9}", text) is not None, "unallocated_prefix")
    need(MOBILE_PATTERN.fullmatch(text) is not None, "unallocated_prefix_strict")
    return text


# --- Invoice codes and numbers (structure only) -------------------------------------------

INVOICE_KINDS = {
    20: "full_digital_20",  # 全电发票 number: yy + province + channel + 15-digit sequence
    12: "vat_code_12",  # ordinary invoice code: 0 + region(4) + year(2) + batch(3) + type(2)
    10: "vat_code_10",  # legacy VAT invoice code: region(4) + edition year(2) + ...
    8: "invoice_number_8",  # number paired with a 10/12-digit code
}
_INVOICE_PROVINCE_SLICE = {20: slice(2, 4), 12: slice(1, 3), 10: slice(0, 2)}
_FULL_DIGITAL_FIRST_YEAR = 21  # 全电发票 pilot began in 2021


def invoice_kind_of(value: str) -> str | None:
    """Which invoice structure a normalised value has, by length; None if none.

    >>> invoice_kind_of("24440000000012345678"), invoice_kind_of("1234567")
    ('full_digital_20', None)
    """
    return INVOICE_KINDS.get(len(value)) if _all_digits(value) else None


def invoice_no(
    value: str, *, field: str = "invoice_no", today: date | None = None, normalize: bool = True
) -> str:
    """Validate an invoice number or code by structure; return it as a digit string.

    >>> invoice_no(" 01234567 ")
    '01234567'
    """
    text = _clean(value) if normalize else value
    need = _checker("invoice_no", field)
    need(invoice_kind_of(text) is not None, "format")
    if len(text) == 20:
        need(_FULL_DIGITAL_FIRST_YEAR <= int(text[:2]) <= _today(today).year % 100, "year")
    province = _INVOICE_PROVINCE_SLICE.get(len(text))
    need(province is None or text[province] in PROVINCE_CODES, "province")
    return text


# --- Bank card numbers (ISO/IEC 7812 Luhn; not for corporate account numbers) -------------


def luhn_ok(digits: str) -> bool:
    """Luhn mod-10 check over a digit string.

    >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
    (True, False)
    """
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def bank_card(value: str, *, field: str = "bank_card", normalize: bool = True) -> str:
    """Validate a bank card number (PAN); return its digits.

    >>> bank_card("6217 0000 0000 0000 004")
    '6217000000000000004'
    """
    text = _clean(value, drop="-") if normalize else value
    need = _checker("bank_card", field)
    need(re.fullmatch(r"[0-9]{13,19}", text) is not None, "format")
    need(luhn_ok(text), "checksum")
    return text


# --- Product barcodes (GTIN-13 / EAN-13; Chinese products carry the 69 prefix) -----------


def gtin_check_digit(body12: str) -> str:
    """GS1 mod-10: weights 1 and 3 from the left over the first 12 digits.

    >>> gtin_check_digit("690123456789")
    '2'
    """
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return str((10 - total % 10) % 10)


def gtin13(value: str, *, field: str = "barcode", normalize: bool = True) -> str:
    """Validate a 13-digit product barcode; return its digits.

    >>> gtin13("6901234567892")
    '6901234567892'
    """
    text = _clean(value, drop="-") if normalize else value
    need = _checker("gtin", field)
    need(len(text) == 13 and _all_digits(text), "format")
    need(gtin_check_digit(text[:12]) == text[12], "checksum")
    return text


# --- Masking (for display; no validation) -------------------------------------------------


def _mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` characters and star the rest (everything if too short).

    >>> mask_resident_id("140521199001011234"), mask_mobile("13812345678")
    ('1405**********1234', '138****5678')
    >>> mask_name("张三丰"), mask_name("李四"), mask_bank_card("6217000000000000004")
    ('张**', '李*', '***************0004')
    """
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_resident_id(value: str) -> str:
    """Show the first 4 and last 4 characters only."""
    return _mask(value, 4, 4)


def mask_mobile(value: str) -> str:
    """Show the first 3 and last 4 digits only."""
    return _mask(value, 3, 4)


def mask_name(value: str) -> str:
    """Show the first character (the family name, for most names) only."""
    return _mask(value, 1, 0)


def mask_vin(value: str) -> str:
    """Show the maker code (first 3) and the last 4 characters only.

    >>> mask_vin("LSVAU2A31S1000001")
    'LSV**********0001'
    """
    return _mask(value, 3, 4)


def mask_bank_card(value: str) -> str:
    """Show the last 4 digits only."""
    return _mask(value, 0, 4)


# --- Registry and pydantic types ------------------------------------------------------------

VALIDATORS: dict[str, Callable[..., str]] = {
    f.__name__: f for f in (resident_id, uscc, vin, mobile, invoice_no, bank_card)
}


def _pydantic_check(kind: str) -> Callable[[str, ValidationInfo], str]:
    validator = VALIDATORS[kind]

    def check(value: str, info: ValidationInfo) -> str:
        try:
            return validator(value, field=info.field_name or kind)
        except InvalidIdentifier as exc:
            ctx = {"field": exc.field, "reason": exc.reason}
            raise PydanticCustomError(f"invalid_{kind}", exc.message, ctx) from exc

    return check


ResidentId = Annotated[str, AfterValidator(_pydantic_check("resident_id"))]
Uscc = Annotated[str, AfterValidator(_pydantic_check("uscc"))]
Vin = Annotated[str, AfterValidator(_pydantic_check("vin"))]
Mobile = Annotated[str, AfterValidator(_pydantic_check("mobile"))]
InvoiceNo = Annotated[str, AfterValidator(_pydantic_check("invoice_no"))]
BankCard = Annotated[str, AfterValidator(_pydantic_check("bank_card"))]
