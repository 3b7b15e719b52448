"""The canonical claim record that every integrity detector reads.

Detectors are SQL over a relation named ``claims`` with exactly these columns, whether it
is a Parquet file (synthetic data, exports) or a view over the database claims table (the
lead maps the ORM table onto it with a ``SELECT``). Money is integer fen; identifiers of
people are keyed hashes (never the raw resident id).

Columns, in order:

====================  =============  ======================================================
column                DuckDB type    meaning
====================  =============  ======================================================
claim_id              BIGINT         unique claim number
claimed_at            TIMESTAMP      when the coupon was redeemed at the store (local time)
purchase_date         DATE           invoice date of the sale
jurisdiction_code     VARCHAR        6-digit administrative code of the paying county
programme_id          VARCHAR        subsidy programme, e.g. ``2025-appliance``
category              VARCHAR        product category, e.g. ``refrigerator``
model                 VARCHAR        product model code as filed by the manufacturer
merchant_id           VARCHAR        merchant (store) identifier
merchant_lat          DOUBLE         store latitude (WGS84)
merchant_lon          DOUBLE         store longitude
device_id             VARCHAR        device that redeemed the coupon (consumer phone or POS)
redeem_lat            DOUBLE         where the redemption happened (from the device)
redeem_lon            DOUBLE
consumer_key          VARCHAR        keyed hash (HMAC) of the resident id number
consumer_name         VARCHAR        real name as entered (may carry variants)
phone                 VARCHAR        11-digit mobile number
address               VARCHAR        delivery address as entered
bank_account_key      VARCHAR        keyed hash of the account the subsidy is paid to
device_serial         VARCHAR NULL   product serial/IMEI (appliances, digital)
vin                   VARCHAR NULL   vehicle identification number (cars)
invoice_no            VARCHAR        20-digit e-invoice number; last 15 digits are the
                                     issuer's running sequence
recycling_cert_no     VARCHAR NULL   recycling or scrappage certificate of the old item
price_fen             BIGINT         final sale price in fen
subsidy_fen           BIGINT         subsidy claimed in fen
cap_fen               BIGINT         per-item cap in force for the claim, in fen
returned_at           TIMESTAMP NULL when the goods were returned, if they were
recycled_weight_kg    DOUBLE NULL    weight of the old item at the recycler
status                VARCHAR        submitted, approved, paid, rejected, cancelled,
                                     clawed_back
====================  =============  ======================================================

Synthetic files add one column that is not part of the record: ``fraud_kind`` (VARCHAR
NULL), the label of the injected fraud (one of :data:`FRAUD_KINDS`).
"""

from __future__ import annotations

from typing import Final

CLAIM_COLUMNS: Final[dict[str, str]] = {
    "claim_id": "BIGINT",
    "claimed_at": "TIMESTAMP",
    "purchase_date": "DATE",
    "jurisdiction_code": "VARCHAR",
    "programme_id": "VARCHAR",
    "category": "VARCHAR",
    "model": "VARCHAR",
    "merchant_id": "VARCHAR",
    "merchant_lat": "DOUBLE",
    "merchant_lon": "DOUBLE",
    "device_id": "VARCHAR",
    "redeem_lat": "DOUBLE",
    "redeem_lon": "DOUBLE",
    "consumer_key": "VARCHAR",
    "consumer_name": "VARCHAR",
    "phone": "VARCHAR",
    "address": "VARCHAR",
    "bank_account_key": "VARCHAR",
    "device_serial": "VARCHAR",
    "vin": "VARCHAR",
    "invoice_no": "VARCHAR",
    "recycling_cert_no": "VARCHAR",
    "price_fen": "BIGINT",
    "subsidy_fen": "BIGINT",
    "cap_fen": "BIGINT",
    "returned_at": "TIMESTAMP",
    "recycled_weight_kg": "DOUBLE",
    "status": "VARCHAR",
}
"""Column name -> DuckDB type of the canonical claim record, in order."""

COLUMN_NAMES: Final[tuple[str, ...]] = tuple(CLAIM_COLUMNS)

ENCODED_COLUMNS: Final[dict[str, str]] = {
    "phone_block": "VARCHAR",
    "address_key": "VARCHAR",
    "name_clk": "BLOB",
    "phone_clk": "BLOB",
    "address_clk": "BLOB",
}
"""Identities as the database holds them, beside (not in) the canonical record.

The platform never stores names, phones and addresses in the clear, so its claims carry
instead the keyed hash of the mobile's first ten digits (``phone_block``) and of the
normalised address (``address_key``), and keyed Bloom-filter encodings of name, mobile and
address (:mod:`huanxin.core.clk`). A relation with these columns is linked on them
(Dice similarity of the encodings); one without them (synthetic files) on the plain texts.
"""

PLATFORM_COLUMNS: Final[dict[str, str]] = {**ENCODED_COLUMNS, "filed_price_fen": "BIGINT"}
"""Columns the platform's claims carry beside the canonical record: the encoded identities
and the filed price of the claim's model in the catalogue. A relation without them (a
synthetic file) reads them as NULL."""

LABEL_COLUMN: Final = "fraud_kind"

STATUSES: Final[tuple[str, ...]] = (
    "submitted",
    "approved",
    "paid",
    "rejected",
    "cancelled",
    "clawed_back",
)

FRAUD_KINDS: Final[tuple[str, ...]] = (
    "duplicate_identifier",
    "variant_identity",
    "price_inflation",
    "return_after_subsidy",
    "buy_return_cycle",
    "merchant_spike",
    "after_hours_burst",
    "sequential_invoice",
    "cap_share",
    "far_redemption",
    "quota_trading_bank",
    "quota_trading_device",
    "implausible_weight",
)
"""Every fraud kind that synthetic data injects and that some detector targets."""

FRAUD_KIND_LABELS: Final[dict[str, str]] = {
    "duplicate_identifier": "同一身份重复申领",
    "variant_identity": "变体身份重复申领",
    "price_inflation": "抬价套补",
    "return_after_subsidy": "领补后退货",
    "buy_return_cycle": "反复购退",
    "merchant_spike": "商户申领量突增",
    "after_hours_burst": "非营业时间集中申领",
    "sequential_invoice": "发票号连号",
    "cap_share": "顶格申领占比过高",
    "far_redemption": "远离门店核销",
    "quota_trading_bank": "同一账户收款多人（资格倒卖）",
    "quota_trading_device": "同一设备核销多人（资格倒卖）",
    "implausible_weight": "回收称重不合常理",
}
"""The Chinese name of each fraud kind, as pages show it."""


def kind_label(kind: str) -> str:
    return FRAUD_KIND_LABELS.get(kind, "其他风险")
