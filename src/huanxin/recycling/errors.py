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
