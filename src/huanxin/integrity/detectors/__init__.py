"""The detector catalogue: every named rule the integrity scan runs, with default parameters.

Variant identities (record linkage with Splink) live in :mod:`huanxin.integrity.linkage`
because they need more than one SQL statement; the scan runs them alongside these.
"""

from __future__ import annotations

from huanxin.integrity.detectors.base import Detector, Scope
from huanxin.integrity.detectors.delivery import AboveFiledPrice, BulkDelivery
from huanxin.integrity.detectors.identifiers import DuplicateIdentifier
from huanxin.integrity.detectors.merchants import (
    AfterHoursBurst,
    FarRedemption,
    MerchantSpike,
    SequentialInvoices,
)
from huanxin.integrity.detectors.pricing import CapShare, PriceInflation
from huanxin.integrity.detectors.quota import SharedBankAccount, SharedDevice
from huanxin.integrity.detectors.recycling import ImplausibleWeight
from huanxin.integrity.detectors.returns import BuyReturnCycle, ReturnAfterSubsidy


def default_detectors() -> list[Detector]:
    """One instance of every SQL detector with its default parameters."""
    return [
        DuplicateIdentifier(),
        PriceInflation(),
        CapShare(),
        ReturnAfterSubsidy(),
        BuyReturnCycle(),
        MerchantSpike(),
        AfterHoursBurst(),
        SequentialInvoices(),
        FarRedemption(),
        SharedBankAccount(),
        SharedDevice(),
        ImplausibleWeight(),
        BulkDelivery(),
        AboveFiledPrice(),
    ]


__all__ = [
    "AboveFiledPrice",
    "AfterHoursBurst",
    "BulkDelivery",
    "BuyReturnCycle",
    "CapShare",
    "Detector",
    "DuplicateIdentifier",
    "FarRedemption",
    "ImplausibleWeight",
    "MerchantSpike",
    "PriceInflation",
    "ReturnAfterSubsidy",
    "Scope",
    "SequentialInvoices",
    "SharedBankAccount",
    "SharedDevice",
    "default_detectors",
]
