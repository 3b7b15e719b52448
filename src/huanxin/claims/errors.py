"""Trade-in failures, named as facts."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, InvalidInput, NotFound, OutsideJurisdiction


class ClaimsCode(StrEnum):
    """Stable codes of the trade-in domain's failures (``ClaimsErrorCode`` in OpenAPI)."""

    QUOTA_NOT_AVAILABLE = "quota_not_available"
    QUOTA_LIMIT_REACHED = "quota_limit_reached"
    DEVICE_ALREADY_SUBSIDISED = "device_already_subsidised"
    VEHICLE_ALREADY_SUBSIDISED = "vehicle_already_subsidised"
    CERTIFICATE_ALREADY_USED = "certificate_already_used"
    NOT_ELIGIBLE = "not_eligible"
    ILLEGAL_TRANSITION = "illegal_transition"
    RETURN_WINDOW_CLOSED = "return_window_closed"
    PRODUCT_NOT_IN_CATALOGUE = "product_not_in_catalogue"
    PRICE_ABOVE_CEILING = "price_above_ceiling"
    POOL_MISSING = "pool_missing"
    APPEAL_NOT_ALLOWED = "appeal_not_allowed"
    EVIDENCE_INVALID = "evidence_invalid"
    EVIDENCE_NOT_OPENED = "evidence_not_opened"
    QUOTA_OUTSIDE_MERCHANT_AREA = "quota_outside_merchant_area"
    SALE_DATE_IMPOSSIBLE = "sale_date_impossible"
    UNKNOWN_TILL = "unknown_till"
    UNKNOWN_STORE = "unknown_store"
    BAD_LOCATION = "bad_location"
    SITE_ALREADY_REGISTERED = "site_already_registered"
    ACCEPTANCE_NOT_NEEDED = "acceptance_not_needed"
    REPORT_YEAR_INVALID = "report_year_invalid"
    RECONCILIATION_FILE_INVALID = "reconciliation_file_invalid"
    RECONCILIATION_ROW_OUTSIDE_JURISDICTION = "reconciliation_row_outside_jurisdiction"
    RECONCILIATION_LINE_SETTLED = "reconciliation_line_settled"
    STATEMENT_PERIOD_OPEN = "statement_period_open"
    PERIOD_NOT_ENDED = "period_not_ended"
    QUOTA_SOLD_OUT = "quota_sold_out"
    RELEASE_NOT_OPEN = "release_not_open"
    RELEASE_PLAN_INVALID = "release_plan_invalid"
    LOTTERY_CLOSED = "lottery_closed"
    REAL_NAME_REQUIRED = "real_name_required"
    RELEASE_FORM_INVALID = "release_form_invalid"
    CATALOGUE_FILE_INVALID = "catalogue_file_invalid"
    IDENTITY_NOT_VERIFIED = "identity_not_verified"
    UPLOAD_UNREADABLE = "upload_unreadable"
    VIN_ONLY_FOR_CARS = "vin_only_for_cars"
    NO_PROGRAMME_FOR_CATEGORY = "no_programme_for_category"
    ACCOUNT_NOT_MERCHANT = "account_not_merchant"
    NO_RECEIPT = "no_receipt"


class QuotaNotAvailable(Conflict):
    code = ClaimsCode.QUOTA_NOT_AVAILABLE


class QuotaLimitReached(Conflict):
    code = ClaimsCode.QUOTA_LIMIT_REACHED


class DeviceAlreadySubsidised(Conflict):
    code = ClaimsCode.DEVICE_ALREADY_SUBSIDISED


class VehicleAlreadySubsidised(Conflict):
    """A claim for this VIN exists already (in any jurisdiction)."""

    code = ClaimsCode.VEHICLE_ALREADY_SUBSIDISED


class CertificateAlreadyUsed(Conflict):
    code = ClaimsCode.CERTIFICATE_ALREADY_USED


class NotEligible(Conflict):
    code = ClaimsCode.NOT_ELIGIBLE


class IllegalTransition(Conflict):
    code = ClaimsCode.ILLEGAL_TRANSITION


class ReturnWindowClosed(Conflict):
    code = ClaimsCode.RETURN_WINDOW_CLOSED


class ProductNotInCatalogue(InvalidInput):
    code = ClaimsCode.PRODUCT_NOT_IN_CATALOGUE


class PriceAboveCeiling(InvalidInput):
    """A sale price above the absolute ceiling, or above the configured multiple
    (``HUANXIN_PRICE_CEILING_FACTOR``) of the catalogue's filed price."""

    code = ClaimsCode.PRICE_ABOVE_CEILING


class PoolMissing(Conflict):
    code = ClaimsCode.POOL_MISSING


class AppealNotAllowed(Conflict):
    code = ClaimsCode.APPEAL_NOT_ALLOWED


class EvidenceInvalid(InvalidInput):
    code = ClaimsCode.EVIDENCE_INVALID


class EvidenceNotOpened(InvalidInput):
    """A checklist item was confirmed for a file the reviewer has not opened."""

    code = ClaimsCode.EVIDENCE_NOT_OPENED


class QuotaOutsideMerchantArea(OutsideJurisdiction):
    """The quota belongs to a programme of a place where the merchant is not registered."""

    code = ClaimsCode.QUOTA_OUTSIDE_MERCHANT_AREA


class SaleDateImpossible(InvalidInput):
    """The purchase date is before the quota was issued, or after today."""

    code = ClaimsCode.SALE_DATE_IMPOSSIBLE


class UnknownTill(InvalidInput):
    """The terminal id is not a till the merchant registered."""

    code = ClaimsCode.UNKNOWN_TILL


class UnknownStore(InvalidInput):
    """The store is not one of the merchant's registered stores."""

    code = ClaimsCode.UNKNOWN_STORE


class BadLocation(InvalidInput):
    """Coordinates out of range, or only one of latitude and longitude."""

    code = ClaimsCode.BAD_LOCATION


class SiteAlreadyRegistered(Conflict):
    """A store of that name, or a till of that terminal id, exists already."""

    code = ClaimsCode.SITE_ALREADY_REGISTERED


class AcceptanceNotNeeded(Conflict):
    """The claim needs no acceptance: a point-of-sale claim, or one already decided."""

    code = ClaimsCode.ACCEPTANCE_NOT_NEEDED


class ReportYearInvalid(InvalidInput):
    code = ClaimsCode.REPORT_YEAR_INVALID


class ReconFileInvalid(InvalidInput):
    """A reconciliation file cannot be read, or a row of it is malformed (named by number);
    nothing was imported."""

    code = ClaimsCode.RECONCILIATION_FILE_INVALID

    def __init__(self, message: str, *, field: str | None = "file") -> None:
        super().__init__(message, field=field)


class UploadUnreadable(InvalidInput):
    """An uploaded file (catalogue, bank result, reconciliation) is empty, not UTF-8 CSV, or
    not a valid .xlsx; nothing was imported."""

    code = ClaimsCode.UPLOAD_UNREADABLE

    def __init__(self, reason: str) -> None:
        super().__init__(f"「文件」：{reason}，未导入任何数据", field="file")


class ReconRowOutsideJurisdiction(OutsideJurisdiction):
    """A reconciliation file has a row of a jurisdiction outside the caller's."""

    code = ClaimsCode.RECONCILIATION_ROW_OUTSIDE_JURISDICTION


class ReconLineSettled(Conflict):
    """The reconciliation line needs no action, or its action is already recorded."""

    code = ClaimsCode.RECONCILIATION_LINE_SETTLED


class StatementPeriodOpen(Conflict):
    """A statement was asked for a month that is not closed yet."""

    code = ClaimsCode.STATEMENT_PERIOD_OPEN


class PeriodNotEnded(Conflict):
    """A month cannot be closed before it has ended."""

    code = ClaimsCode.PERIOD_NOT_ENDED


class QuotaSoldOut(Conflict):
    """Every quota of today's timed release is issued (已领完)."""

    code = ClaimsCode.QUOTA_SOLD_OUT


class ReleaseNotOpen(Conflict):
    """The timed release has not started yet today, or hands quotas out by lottery."""

    code = ClaimsCode.RELEASE_NOT_OPEN


class ReleasePlanInvalid(InvalidInput):
    """A release schedule that cannot be kept: more than the pool holds, overlapping another,
    caps or times that contradict each other."""

    code = ClaimsCode.RELEASE_PLAN_INVALID


class LotteryClosed(Conflict):
    """An entry after the lottery's entries closed, or a draw before they closed."""

    code = ClaimsCode.LOTTERY_CLOSED


class RealNameRequired(InvalidInput):
    """The consumer has no resident ID on the account, so can neither claim nor enter."""

    code = ClaimsCode.REAL_NAME_REQUIRED


class ReleaseFormInvalid(InvalidInput):
    """A number or date of the release-schedule form cannot be read."""

    code = ClaimsCode.RELEASE_FORM_INVALID


class IdentityNotVerified(InvalidInput):
    """The consumer has not completed real-name verification (no resident ID registered)."""

    code = ClaimsCode.IDENTITY_NOT_VERIFIED


class VinOnlyForCars(InvalidInput):
    """Only a car subsidy application takes a VIN."""

    code = ClaimsCode.VIN_ONLY_FOR_CARS


class NoProgrammeForCategory(InvalidInput):
    """No programme in force where the caller is subsidises this category."""

    code = ClaimsCode.NO_PROGRAMME_FOR_CATEGORY


class AccountNotMerchant(InvalidInput):
    """The caller's account is bound to no merchant, so it cannot register stores or tills."""

    code = ClaimsCode.ACCOUNT_NOT_MERCHANT


class NoReceipt(NotFound):
    """The claim has no till receipt: it was applied for after the purchase."""

    code = ClaimsCode.NO_RECEIPT
