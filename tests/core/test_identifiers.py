"""Identifier validation: every shared vector classified as the file says, plus properties."""

from __future__ import annotations

import doctest
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from huanxin.core import identifiers as ids
from huanxin.core.errors import InvalidInput
from huanxin.core.identifiers import InvalidIdentifier

VECTORS_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "validation_vectors.json"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
SECTIONS = {
    "cn_resident_id_gb11643": "resident_id",
    "cn_uscc_gb32100": "uscc",
    "vin_iso3779_gb16735": "vin",
    "cn_mobile": "mobile",
    "cn_invoice": "invoice_no",
    "bank_card_luhn": "bank_card",
}
DATA: dict[str, Any] | None = (
    json.loads(VECTORS_PATH.read_text(encoding="utf-8")) if VECTORS_PATH.exists() else None
)
REF_DATE = date.fromisoformat(
    DATA["_meta"]["reference_date_for_future_checks"] if DATA else "2025-01-01"
)
DATED = {"resident_id", "invoice_no"}


def _cases() -> list[Any]:
    if DATA is None:
        mark = pytest.mark.skipif(not IN_CI, reason=f"validation vectors absent: {VECTORS_PATH}")
        return [pytest.param("missing", {}, id="vectors-missing", marks=mark)]
    return [
        pytest.param(SECTIONS.get(section, section), vector, id=f"{section}-{vector['value']}")
        for section, body in DATA.items()
        if not section.startswith("_")
        for vector in body["vectors"]
    ]


def check(kind: str, value: str, **kwargs: Any) -> str:
    if kind in DATED:
        kwargs.setdefault("today", REF_DATE)
    return ids.VALIDATORS[kind](value, **kwargs)


def reason_of(kind: str, value: str, **kwargs: Any) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        check(kind, value, **kwargs)
    assert info.value.kind == kind
    assert info.value.field == kind
    assert info.value.message
    return info.value.reason


def _expected_after_normalization(vector: dict[str, Any]) -> str | None:
    note = vector["after_normalization"]
    tokens = re.findall(r"[0-9A-Z]{8,}", note)
    if tokens:
        return str(tokens[-1])
    return str(vector["value"]).upper() if note.startswith("uppercase") else None


def test_every_section_is_mapped() -> None:
    if DATA is None:
        if IN_CI:
            pytest.fail(f"validation vectors absent: {VECTORS_PATH}")
        pytest.skip(f"validation vectors absent: {VECTORS_PATH}")
    assert {k for k in DATA if not k.startswith("_")} == set(SECTIONS)


@pytest.mark.parametrize(("kind", "vector"), _cases())
def test_vector(kind: str, vector: dict[str, Any]) -> None:
    if DATA is None:
        pytest.fail(f"validation vectors absent: {VECTORS_PATH}")
    value = vector["value"]
    if vector["expected_valid"]:
        assert check(kind, value, normalize=False) == value
        assert check(kind, value) == value
    elif vector.get("normalization"):
        assert reason_of(kind, value, normalize=False) == vector["reason"]
        normalised = check(kind, value)
        assert check(kind, normalised, normalize=False) == normalised
        expected = _expected_after_normalization(vector)
        if expected is not None:
            assert normalised == expected
    else:
        assert reason_of(kind, value, normalize=False) == vector["reason"]
        assert reason_of(kind, value) == vector["reason"]
    _check_annotations(kind, vector)


def _check_annotations(kind: str, vector: dict[str, Any]) -> None:
    value = vector["value"]
    if "gb11714_orgcode_check_passes" in vector:
        assert ids.uscc_orgcode_ok(value) is vector["gb11714_orgcode_check_passes"]
    if vector.get("valid_if_check_digit_optional"):
        assert ids.vin(value, check_digit=False) == value
    if "libphonenumber_is_mobile_after_normalization" in vector:
        try:
            check(kind, value)
            accepted = True
        except InvalidIdentifier:
            accepted = False
        assert accepted is vector["libphonenumber_is_mobile_after_normalization"]
    if kind == "invoice_no" and vector["expected_valid"]:
        assert ids.invoice_kind_of(value) == vector["kind"]


# --- Independent reference implementations for the property tests -------------------------


def iso7064_mod11_2(body: str) -> str:
    """ISO 7064 MOD 11-2 by its recursive definition (not the weight table)."""
    p = 0
    for char in body:
        p = ((p + int(char)) * 2) % 11
    c = (12 - p) % 11
    return "X" if c == 10 else str(c)


def uscc_check_horner(body: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    acc = 0
    for char in reversed(body):
        acc = (acc * 3 + alphabet.index(char)) % 31
    return alphabet[-acc % 31]


def luhn_digit(body: str) -> str:
    digits = [int(c) for c in body]
    for i in range(len(digits) - 1, -1, -2):
        digits[i] = sum(divmod(digits[i] * 2, 10))
    return str(-sum(digits) % 10)


resident_bodies = st.builds(
    lambda prov, county, born, seq: f"{prov}{county:04d}{born:%Y%m%d}{seq:03d}",
    st.sampled_from(sorted(ids.PROVINCE_CODES)),
    st.integers(0, 9999),
    st.dates(date(1900, 1, 1), date(2024, 12, 31)),
    st.integers(0, 999),
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
uscc_bodies = st.builds(
    lambda head, region, org: head + region + org,
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)


def test_reference_implementations_agree_with_the_standard_examples() -> None:
    assert iso7064_mod11_2("11010519491231002") == "X"
    assert uscc_check_horner("91350100M000100Y4") == "3"
    assert luhn_digit("411111111111111") == "1"


@given(resident_bodies)
def test_generated_resident_id_passes(body: str) -> None:
    value = body + iso7064_mod11_2(body)
    assert ids.resident_id(value, today=REF_DATE) == value
    assert ids.birth_date_of(value) == date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    assert ids.gender_of(value) == ("male" if int(body[16]) % 2 else "female")


@given(resident_bodies, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_single_change_of_resident_id_fails(body: str, pos: int, char: str) -> None:
    value = body + iso7064_mod11_2(body)
    if value[pos] == char:
        char = "1" if char == "0" else "0"
    changed = value[:pos] + char + value[pos + 1 :]
    with pytest.raises(InvalidIdentifier):
        ids.resident_id(changed, today=REF_DATE)


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_uscc_generated_passes_and_single_change_fails(body: str, pos: int, char: str) -> None:
    value = body + uscc_check_horner(body)
    assert ids.uscc(value) == value
    if value[pos] == char:
        char = "1" if char == "0" else "0"
    with pytest.raises(InvalidIdentifier):
        ids.uscc(value[:pos] + char + value[pos + 1 :])


@given(st.text("0123456789", min_size=12, max_size=18), st.data())
def test_bank_card_generated_passes_and_single_change_fails(body: str, data: st.DataObject) -> None:
    value = body + luhn_digit(body)
    assert ids.bank_card(value) == value
    pos = data.draw(st.integers(0, len(value) - 1))
    char = data.draw(st.sampled_from([d for d in "0123456789" if d != value[pos]]))
    assert reason_of("bank_card", value[:pos] + char + value[pos + 1 :]) == "checksum"


@given(
    st.from_regex(ids.MOBILE_PATTERN, fullmatch=True), st.sampled_from(["+86", "0086", "86", ""])
)
def test_mobile_normalises_prefix_and_separators(number: str, prefix: str) -> None:
    formatted = f" {prefix} {number[:3]}-{number[3:7]} ({number[7:]}) "
    assert ids.mobile(formatted) == number


# --- Normalisation, reasons, helpers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("resident_id", "１１０１０５ １９４９１２３１ ００２ｘ", "11010519491231002X"),
        ("resident_id", "110105491231002", "11010519491231002X"),
        ("uscc", " 91110108551385082q\n", "91110108551385082Q"),
        ("vin", "1g4ah59h45g118341 ", "1G4AH59H45G118341"),
        ("mobile", "86 13800138000", "13800138000"),
        ("mobile", "+86(138)00138000", "13800138000"),
        ("invoice_no", "2444 0000 0000 1234 5678", "24440000000012345678"),
        ("bank_card", "4111-1111-1111-1111", "4111111111111111"),
    ],
)
def test_normalisation(kind: str, raw: str, expected: str) -> None:
    assert check(kind, raw) == expected


def test_future_birth_date_uses_today() -> None:
    value = "110101202501024410"
    value = value[:17] + iso7064_mod11_2(value[:17])
    assert reason_of("resident_id", value, today=date(2025, 1, 1)) == "birthdate_range"
    assert ids.resident_id(value, today=date(2025, 1, 2)) == value
    assert reason_of("resident_id", "110105209901010020", today=None) == "birthdate_range"


def test_full_digital_invoice_year_bounded_by_today() -> None:
    value = "26440000000012345678"
    assert reason_of("invoice_no", value, today=date(2025, 12, 31)) == "year"
    assert ids.invoice_no(value, today=date(2026, 1, 1)) == value


def test_error_is_invalid_input_with_field_and_chinese_reason() -> None:
    with pytest.raises(InvalidInput) as info:
        ids.resident_id("110105194912310021", field="holder_id")
    error = info.value
    assert error.status == 422
    assert error.to_dict() == {
        "code": "invalid_input",
        "message": "身份证号码校验位错误",
        "field": "holder_id",
        "reason": "checksum",
    }


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("resident_id", "110105194902300020", "出生日期不存在"),
        ("uscc", "91350100M000100Y44", "统一社会信用代码校验位错误"),
        ("vin", "1G4AH59H55G118341", "车架号(VIN)校验位错误"),
        ("mobile", "23800138000", "手机号码格式不正确"),
        ("bank_card", "4111111111111112", "银行卡号校验位错误"),
    ],
)
def test_messages_are_chinese(kind: str, value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=re.escape(message)):
        check(kind, value)


def test_uscc_orgcode_soft_check_does_not_reject() -> None:
    body = "91350100M000100Y5"  # org-code check char altered from 4 to 5
    value = body + ids.uscc_check_char(body)
    assert ids.uscc(value) == value
    assert ids.uscc_orgcode_ok(value) is False


def test_birth_date_and_gender() -> None:
    assert ids.birth_date_of("440305200002291232") == date(2000, 2, 29)
    assert ids.gender_of("11010519491231002X") == "female"
    assert ids.gender_of("110101199003074477") == "male"
    with pytest.raises(InvalidIdentifier):
        ids.birth_date_of("110105194902300020")


def test_masking() -> None:
    assert ids.mask_resident_id("140521199001011234") == "1405**********1234"
    assert ids.mask_mobile("13812345678") == "138****5678"
    assert ids.mask_name("张三丰") == "张**"
    assert ids.mask_name("张三") == "张*"
    assert ids.mask_name("张") == "*"
    assert ids.mask_bank_card("4111111111111111") == "************1111"
    assert ids.mask_mobile("1234") == "****"


@given(st.text(min_size=0, max_size=30))
def test_mask_keeps_length_and_hides_middle(value: str) -> None:
    masked = ids.mask_resident_id(value)
    assert len(masked) == len(value)
    if len(value) > 8:
        assert masked == value[:4] + "*" * (len(value) - 8) + value[-4:]
    else:
        assert masked == "*" * len(value)


class Applicant(BaseModel):
    holder_id: ids.ResidentId
    phone: ids.Mobile
    company: ids.Uscc | None = None
    vin: ids.Vin | None = None
    invoice: ids.InvoiceNo | None = None
    card: ids.BankCard | None = None


def test_pydantic_types_normalise() -> None:
    model = Applicant(
        holder_id="11010519491231002x",
        phone="+86 138 0013 8000",
        company="91110108551385082q",
        vin="1g4ah59h45g118341",
        invoice="01234567",
        card="4111 1111 1111 1111",
    )
    assert model.model_dump() == {
        "holder_id": "11010519491231002X",
        "phone": "13800138000",
        "company": "91110108551385082Q",
        "vin": "1G4AH59H45G118341",
        "invoice": "01234567",
        "card": "4111111111111111",
    }


def test_pydantic_error_carries_chinese_reason() -> None:
    with pytest.raises(ValidationError) as info:
        Applicant(holder_id="110105194912310021", phone="15412345678")
    errors = {e["loc"]: e for e in info.value.errors()}
    assert errors[("holder_id",)]["msg"] == "身份证号码校验位错误"
    assert errors[("holder_id",)]["type"] == "invalid_resident_id"
    assert errors[("holder_id",)]["ctx"] == {"field": "holder_id", "reason": "checksum"}
    assert errors[("phone",)]["msg"] == "手机号码号段尚未分配"
    assert errors[("phone",)]["ctx"]["reason"] == "unallocated_prefix_strict"


def test_registry_names() -> None:
    assert set(ids.VALIDATORS) == {
        "resident_id",
        "uscc",
        "vin",
        "mobile",
        "invoice_no",
        "bank_card",
    }


def test_doctests() -> None:
    result = doctest.testmod(ids, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 15
