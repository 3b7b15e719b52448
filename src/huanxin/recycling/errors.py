"""Recycling failures, named as facts (Chinese messages name the field)."""

from __future__ import annotations

from huanxin.core.errors import Conflict, InvalidInput


class OutsideServiceArea(InvalidInput):
    code = "outside_service_area"


class WindowInPast(InvalidInput):
    code = "window_in_past"


class ItemTooHeavy(InvalidInput):
    code = "item_too_heavy"


class NoPriceList(Conflict):
    code = "no_price_list"


class IllegalBookingState(Conflict):
    code = "illegal_booking_state"


class CertificateAlreadyUsed(Conflict):
    code = "certificate_already_used"


class ReverseInvoiceLimitExceeded(Conflict):
    code = "reverse_invoice_limit_exceeded"


class AlreadyDeclared(Conflict):
    code = "already_declared"


class PickupDateImpossible(InvalidInput):
    """A completion dated after today, or before the booked day without a reason."""

    code = "pickup_date_impossible"


class AddressFileInvalid(InvalidInput):
    """An address-book file with bad rows: every row's error is kept; nothing is imported."""

    code = "address_file_invalid"

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        row, column, reason = errors[0]
        super().__init__(
            f"第{row}行「{column}」：{reason}（共{len(errors)}处错误，未导入任何数据）",
            field="file",
        )
        self.errors = errors


class AddressNotFound(InvalidInput):
    code = "address_not_found"
