"""Public surface of the policy domain: what other domains compute with (a programme as data,
an item's attributes, a quote, the version in force). Service functions are in ``service``."""

from huanxin.policy.eligibility import ItemAttributes
from huanxin.policy.engine import ProgrammeAmount, Quote, select_version
from huanxin.policy.loader import default_policies_dir
from huanxin.policy.schema import (
    NATIONAL_CODE,
    AmountRule,
    Layer,
    National,
    NationalKey,
    PaymentMode,
    Programme,
    QuotaPeriod,
    RedemptionArea,
    WhenUnreachable,
)

__all__ = [
    "NATIONAL_CODE",
    "AmountRule",
    "ItemAttributes",
    "Layer",
    "National",
    "NationalKey",
    "PaymentMode",
    "Programme",
    "ProgrammeAmount",
    "QuotaPeriod",
    "Quote",
    "RedemptionArea",
    "WhenUnreachable",
    "default_policies_dir",
    "select_version",
]
