"""Recycling failures, named as facts (Chinese messages name the field)."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, InvalidInput


class RecyclingCode(StrEnum):
    """Stable codes of the recycling domain's failures (``RecyclingErrorCode`` in OpenAPI)."""

    OUTSIDE_SERVICE_AREA = "outside_service_area"
    WINDOW_IN_PAST = "window_in_past"
    ITEM_TOO_HEAVY = "item_too_heavy"
    NO_PRICE_LIST = "no_price_list"
    ILLEGAL_BOOKING_STATE = "illegal_booking_state"
    CERTIFICATE_ALREADY_USED = "certificate_already_used"
    REVERSE_INVOICE_LIMIT_EXCEEDED = "reverse_invoice_limit_exceeded"
    ALREADY_DECLARED = "already_declared"
    PICKUP_DATE_IMPOSSIBLE = "pickup_date_impossible"
    ADDRESS_FILE_INVALID = "address_file_invalid"
    ADDRESS_NOT_FOUND = "address_not_found"
    NO_VEHICLES_IN_AREA = "no_vehicles_in_area"
    CATEGORY_NOT_PRICED = "category_not_priced"
    NO_CONTACT_PHONE = "no_contact_phone"
    CERTIFICATE_CODE_WRONG = "certificate_code_wrong"
    CERTIFICATE_CATEGORY_MISMATCH = "certificate_category_mismatch"
    ELV_NEEDS_DISMANTLER = "elv_needs_dismantler"
    DROP_OFF_POINT_NO_WEIGHING = "drop_off_point_no_weighing"
    SITE_HAS_VEHICLES = "site_has_vehicles"
    VEHICLE_HOME_NOT_TRANSFER = "vehicle_home_not_transfer"
    NO_ROUTE_FOR_VEHICLE = "no_route_for_vehicle"


class OutsideServiceArea(InvalidInput):
    code = RecyclingCode.OUTSIDE_SERVICE_AREA


class WindowInPast(InvalidInput):
    code = RecyclingCode.WINDOW_IN_PAST


class ItemTooHeavy(InvalidInput):
    code = RecyclingCode.ITEM_TOO_HEAVY


class NoPriceList(Conflict):
    code = RecyclingCode.NO_PRICE_LIST


class IllegalBookingState(Conflict):
    code = RecyclingCode.ILLEGAL_BOOKING_STATE


class CertificateAlreadyUsed(Conflict):
    code = RecyclingCode.CERTIFICATE_ALREADY_USED


class ReverseInvoiceLimitExceeded(Conflict):
    code = RecyclingCode.REVERSE_INVOICE_LIMIT_EXCEEDED


class AlreadyDeclared(Conflict):
    code = RecyclingCode.ALREADY_DECLARED


class PickupDateImpossible(InvalidInput):
    """A completion dated after today, or before the booked day without a reason."""

    code = RecyclingCode.PICKUP_DATE_IMPOSSIBLE


class AddressFileInvalid(InvalidInput):
    """An address-book file with bad rows: every row's error is kept; nothing is imported."""

    code = RecyclingCode.ADDRESS_FILE_INVALID

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        row, column, reason = errors[0]
        super().__init__(
            f"第{row}行「{column}」：{reason}（共{len(errors)}处错误，未导入任何数据）",
            field="file",
        )
        self.errors = errors


class AddressNotFound(InvalidInput):
    code = RecyclingCode.ADDRESS_NOT_FOUND


class NoVehiclesInArea(InvalidInput):
    """The jurisdiction has no collection vehicle to book or dispatch."""

    code = RecyclingCode.NO_VEHICLES_IN_AREA


class CategoryNotPriced(InvalidInput):
    """The category has no price in the price list in force."""

    code = RecyclingCode.CATEGORY_NOT_PRICED


class NoContactPhone(InvalidInput):
    """The booking left no contact mobile to call."""

    code = RecyclingCode.NO_CONTACT_PHONE


class CertificateCodeWrong(InvalidInput):
    """The certificate's check code does not match its number."""

    code = RecyclingCode.CERTIFICATE_CODE_WRONG


class CertificateCategoryMismatch(InvalidInput):
    """The certificate's item category differs from the claim's."""

    code = RecyclingCode.CERTIFICATE_CATEGORY_MISMATCH


class ElvNeedsDismantler(InvalidInput):
    """End-of-life vehicles are weighed only at a licensed dismantler."""

    code = RecyclingCode.ELV_NEEDS_DISMANTLER


class DropOffPointNoWeighing(InvalidInput):
    """Drop-off points record no weighings; transfer stations and above do."""

    code = RecyclingCode.DROP_OFF_POINT_NO_WEIGHING


class SiteHasVehicles(InvalidInput):
    """A transfer station with vehicles based at it cannot change tier."""

    code = RecyclingCode.SITE_HAS_VEHICLES


class VehicleHomeNotTransfer(InvalidInput):
    """A vehicle's home site must be a transfer station."""

    code = RecyclingCode.VEHICLE_HOME_NOT_TRANSFER


class NoRouteForVehicle(InvalidInput):
    """The vehicle has no route in the day's plan."""

    code = RecyclingCode.NO_ROUTE_FOR_VEHICLE
