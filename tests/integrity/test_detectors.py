"""Each detector fires on its planted case and stays silent on the matching control."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import duckdb

from huanxin.integrity.detectors import (
    AfterHoursBurst,
    BuyReturnCycle,
    CapShare,
    DuplicateIdentifier,
    FarRedemption,
    ImplausibleWeight,
    MerchantSpike,
    PriceInflation,
    ReturnAfterSubsidy,
    Scope,
    SequentialInvoices,
    SharedBankAccount,
    SharedDevice,
)
from huanxin.integrity.detectors.base import Detector
from huanxin.integrity.linkage import VariantIdentity

from .conftest import T0, claim

Make = Callable[[list[dict[str, Any]]], duckdb.DuckDBPyConnection]


def fired(
    make: Make, rows: list[dict[str, Any]], detector: Detector | VariantIdentity
) -> list[int]:
    hits = detector.run(make(rows), Scope())
    return sorted(hits["claim_id"].to_list())


def test_duplicate_serial_fires_on_the_later_claim_across_jurisdictions(claims_con: Make) -> None:
    rows = [claim(i) for i in range(1, 11)]
    rows.append(claim(11, device_serial="SN00000003", jurisdiction_code="440305"))
    rows.append(claim(12, device_serial="SN00000003X"))  # control: similar, not equal
    hits = DuplicateIdentifier().run(claims_con(rows), Scope())
    assert hits["claim_id"].to_list() == [11]
    assert "SN00000003" in hits["explanation"][0]
    assert "2 个地区" in hits["explanation"][0]
    assert "首笔为申领 3" in hits["explanation"][0]


def test_identifiers_that_differ_are_not_taken_for_one(claims_con: Make) -> None:
    # DuckDB's hash() gives these two VINs one value; the index must tell them apart
    rows = [claim(1, vin="LSV00002000547503"), claim(2, vin="LSV00009000547553")]
    assert fired(claims_con, rows, DuplicateIdentifier()) == []


def test_return_after_payment_fires_but_clawed_back_does_not(claims_con: Make) -> None:
    back = T0 + timedelta(days=20)
    rows = [
        claim(1, returned_at=back, status="paid"),
        claim(2, returned_at=back, status="clawed_back"),
        claim(3),
    ]
    assert fired(claims_con, rows, ReturnAfterSubsidy()) == [1]


def test_buy_return_cycle_needs_two_returns_in_one_category(claims_con: Make) -> None:
    back = T0 + timedelta(days=3)
    rows = [
        claim(1, consumer_key="ckX", returned_at=back, status="clawed_back"),
        claim(2, consumer_key="ckX", returned_at=back, status="clawed_back"),
        claim(3, consumer_key="ckX"),
        claim(4, consumer_key="ckY", returned_at=back, status="clawed_back"),
        claim(5, consumer_key="ckY", category="television", returned_at=back),
    ]
    assert fired(claims_con, rows, BuyReturnCycle()) == [1, 2, 3]


def test_shared_bank_account_and_device_need_five_identities(claims_con: Make) -> None:
    rows = [claim(i, bank_account_key="bkBROKER") for i in range(1, 6)]
    rows += [claim(i, bank_account_key="bkFAMILY") for i in range(6, 10)]
    rows += [claim(i, device_id="dvBROKER") for i in range(10, 15)]
    rows += [claim(i, device_id="dvFAMILY") for i in range(15, 19)]
    assert fired(claims_con, rows, SharedBankAccount()) == [1, 2, 3, 4, 5]
    assert fired(claims_con, rows, SharedDevice()) == [10, 11, 12, 13, 14]


def test_implausible_weight_against_category_median(claims_con: Make) -> None:
    rows = [claim(i, recycled_weight_kg=50.0 + i % 10) for i in range(1, 21)]
    rows.append(claim(21, recycled_weight_kg=5.0))
    rows.append(claim(22, recycled_weight_kg=150.0))  # control: under 3 x median (~55)
    hits = ImplausibleWeight().run(claims_con(rows), Scope())
    assert hits["claim_id"].to_list() == [21]
    assert "冰箱" in hits["explanation"][0]


def test_price_inflation_against_other_sellers_prior_30_days(claims_con: Make) -> None:
    rows = [
        claim(i, merchant_id="M-REF", claimed_at=T0 - timedelta(days=1 + i % 25))
        for i in range(1, 31)
    ]
    later = T0 + timedelta(days=1)
    rows.append(claim(31, merchant_id="M-UP", claimed_at=later, price_fen=500_000))
    rows.append(claim(32, merchant_id="M-OK", claimed_at=later, price_fen=460_000))
    hits = PriceInflation().run(claims_con(rows), Scope())
    assert hits["claim_id"].to_list() == [31]
    assert "4000.00" in hits["explanation"][0]
    assert "25%" in hits["explanation"][0]


def test_cap_share_flags_the_merchant_month_at_cap(claims_con: Make) -> None:
    at_cap = {"subsidy_fen": 200_000, "price_fen": 1_400_000}
    rows = [claim(i, merchant_id="M-CAP", **(at_cap if i <= 18 else {})) for i in range(1, 21)]
    rows += [claim(i, merchant_id="M-NORMAL", **(at_cap if i <= 25 else {})) for i in range(21, 41)]
    rows += [claim(i, merchant_id="M-OTHER") for i in range(41, 100)]
    assert fired(claims_con, rows, CapShare()) == list(range(1, 19))


def test_merchant_spike_against_recent_daily_mean(claims_con: Make) -> None:
    rows = [claim(i, merchant_id="M-S", claimed_at=T0 + timedelta(days=i)) for i in range(1, 29)]
    rows += [
        claim(100 + i, merchant_id="M-S", claimed_at=T0 + timedelta(days=30, minutes=i))
        for i in range(30)
    ]
    rows += [
        claim(200 + i, merchant_id="M-B", claimed_at=T0 + timedelta(days=i % 28, hours=i % 5))
        for i in range(56)
    ]
    assert fired(claims_con, rows, MerchantSpike()) == [100 + i for i in range(30)]


def test_after_hours_burst_needs_five_in_one_night_hour(claims_con: Make) -> None:
    night = T0.replace(hour=2)
    rows = [
        claim(i, merchant_id="M-N", claimed_at=night + timedelta(minutes=i)) for i in range(1, 6)
    ]
    rows += [
        claim(i, merchant_id="M-Q", claimed_at=night + timedelta(hours=1, minutes=i))
        for i in range(6, 10)
    ]
    rows += [
        claim(i, merchant_id="M-N", claimed_at=T0.replace(hour=14) + timedelta(minutes=i))
        for i in range(10, 20)
    ]
    assert fired(claims_con, rows, AfterHoursBurst()) == [1, 2, 3, 4, 5]


def test_sequential_invoices_need_a_run_of_six(claims_con: Make) -> None:
    def inv(seq: int) -> str:
        return f"25331{seq:015d}"

    rows = [claim(i, merchant_id="M-SEQ", invoice_no=inv(500 + i)) for i in range(1, 7)]
    rows += [claim(i, merchant_id="M-OK", invoice_no=inv(500 + i)) for i in range(7, 12)]
    rows += [claim(i, merchant_id="M-OK", invoice_no=inv(600 + 7 * i)) for i in range(12, 20)]
    assert fired(claims_con, rows, SequentialInvoices()) == [1, 2, 3, 4, 5, 6]


def test_far_redemptions_at_a_merchant_with_many_of_them(claims_con: Make) -> None:
    far = {"redeem_lat": 34.75, "redeem_lon": 113.62}  # ~ 700 km from the store
    rows = [claim(i, merchant_id="M-FAR", **(far if i <= 4 else {})) for i in range(1, 11)]
    rows += [claim(i, merchant_id="M-ONE", **(far if i == 11 else {})) for i in range(11, 21)]
    hits = FarRedemption().run(claims_con(rows), Scope())
    assert sorted(hits["claim_id"].to_list()) == [1, 2, 3, 4]
    assert "千米" in hits["explanation"][0]


def test_variant_identity_links_the_later_claim_but_not_a_household(claims_con: Make) -> None:
    person = {
        "phone": "13912345678",
        "address": "浙江省人民路8号3栋401室",
        "bank_account_key": "bkA",
    }
    rows = [claim(1, consumer_name="李伟", **person)]
    rows.append(
        claim(
            2,
            consumer_name="李伟芳",
            consumer_key="ck-borrowed",
            phone="13912345670",
            address="浙江省人民路8号3-401",
            bank_account_key="bkA",
        )
    )
    # control: spouse in the same flat buys the same category with her own phone and account
    rows.append(claim(3, consumer_name="李娜", address="浙江省人民路8号3栋401室"))
    rows += [claim(i) for i in range(4, 10)]
    hits = VariantIdentity().run(claims_con(rows), Scope())
    assert hits["claim_id"].to_list() == [2]
    assert "与申领 1（李伟）" in hits["explanation"][0]
    assert "手机号仅末位不同" in hits["explanation"][0]
