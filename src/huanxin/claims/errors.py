"""Trade-in failures, named as facts."""

from __future__ import annotations

from huanxin.core.errors import Conflict, InvalidInput, OutsideJurisdiction


class QuotaNotAvailable(Conflict):
    code = "quota_not_available"


class QuotaLimitReached(Conflict):
    code = "quota_limit_reached"


class DeviceAlreadySubsidised(Conflict):
    code = "device_already_subsidised"


class VehicleAlreadySubsidised(Conflict):
    """A claim for this VIN exists already (in any jurisdiction)."""

    code = "vehicle_already_subsidised"


class CertificateAlreadyUsed(Conflict):
    code = "certificate_already_used"


class NotEligible(Conflict):
    code = "not_eligible"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"


class ProductNotInCatalogue(InvalidInput):
    code = "product_not_in_catalogue"


class PriceAboveCeiling(InvalidInput):
    """A sale price above the absolute ceiling, or above the configured multiple
    (``HUANXIN_PRICE_CEILING_FACTOR``) of the catalogue's filed price."""

    code = "price_above_ceiling"


class PoolMissing(Conflict):
    code = "pool_missing"


class AppealNotAllowed(Conflict):
    code = "appeal_not_allowed"


class EvidenceInvalid(InvalidInput):
    code = "evidence_invalid"


class QuotaOutsideMerchantArea(OutsideJurisdiction):
    """The quota belongs to a programme of a place where the merchant is not registered."""

    code = "quota_outside_merchant_area"


class SaleDateImpossible(InvalidInput):
    """The purchase date is before the quota was issued, or after today."""

    code = "sale_date_impossible"


class UnknownTill(InvalidInput):
    """The terminal id is not a till the merchant registered."""

    code = "unknown_till"


class UnknownStore(InvalidInput):
    """The store is not one of the merchant's registered stores."""

    code = "unknown_store"


class BadLocation(InvalidInput):
    """Coordinates out of range, or only one of latitude and longitude."""

    code = "bad_location"


class SiteAlreadyRegistered(Conflict):
    """A store of that name, or a till of that terminal id, exists already."""

    code = "site_already_registered"


class AcceptanceNotNeeded(Conflict):
    """The claim needs no acceptance: a point-of-sale claim, or one already decided."""

    code = "acceptance_not_needed"


class ReportYearInvalid(InvalidInput):
    code = "report_year_invalid"


class ReconFileInvalid(InvalidInput):
    """A reconciliation file cannot be read, or a row of it is malformed (named by number);
    nothing was imported."""

    code = "reconciliation_file_invalid"

    def __init__(self, message: str, *, field: str | None = "file") -> None:
        super().__init__(message, field=field)


class UploadUnreadable(InvalidInput):
    """An uploaded file (catalogue, bank result, reconciliation) is empty, not UTF-8 CSV, or
    not a valid .xlsx; nothing was imported."""

    code = "upload_unreadable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"「文件」：{reason}，未导入任何数据", field="file")


class ReconRowOutsideJurisdiction(OutsideJurisdiction):
    """A reconciliation file has a row of a jurisdiction outside the caller's."""

    code = "reconciliation_row_outside_jurisdiction"


class ReconLineSettled(Conflict):
    """The reconciliation line needs no action, or its action is already recorded."""

    code = "reconciliation_line_settled"


class StatementPeriodOpen(Conflict):
    """A statement was asked for a month that is not closed yet."""

    code = "statement_period_open"


class PeriodNotEnded(Conflict):
    """A month cannot be closed before it has ended."""

    code = "period_not_ended"


class QuotaSoldOut(Conflict):
    """Every quota of today's timed release is issued (已领完)."""

    code = "quota_sold_out"


class ReleaseNotOpen(Conflict):
    """The timed release has not started yet today, or hands quotas out by lottery."""

    code = "release_not_open"


class ReleasePlanInvalid(InvalidInput):
    """A release schedule that cannot be kept: more than the pool holds, overlapping another,
    caps or times that contradict each other."""

    code = "release_plan_invalid"


class LotteryClosed(Conflict):
    """An entry after the lottery's entries closed, or a draw before they closed."""

    code = "lottery_closed"


class RealNameRequired(InvalidInput):
    """The consumer has no resident ID on the account, so can neither claim nor enter."""

    code = "real_name_required"


class ReleaseFormInvalid(InvalidInput):
    """A number or date of the release-schedule form cannot be read."""

    code = "release_form_invalid"
