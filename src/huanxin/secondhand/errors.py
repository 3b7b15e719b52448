"""Failures of the secondhand domain, named as facts, with Chinese messages."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class SecondhandCode(StrEnum):
    """Stable codes of the second-hand domain's failures (``SecondhandErrorCode`` in OpenAPI)."""

    DEALER_SUSPENDED = "dealer_suspended"
    DEALER_NOT_REGISTERED = "dealer_not_registered"
    WIPE_CERTIFICATE_REQUIRED = "wipe_certificate_required"
    WIPE_CERTIFICATE_NOT_FOUND = "wipe_certificate_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    DUPLICATE_OPEN_LISTING = "duplicate_open_listing"
    ALREADY_REGISTERED = "already_registered"
    NOT_PUBLIC_INSTITUTION = "not_public_institution"
    ORG_NOT_MERCHANT = "org_not_merchant"
    USCC_MISMATCH = "uscc_mismatch"
    ORG_NOT_INSTITUTION = "org_not_institution"
    WIPE_NOT_NEEDED = "wipe_not_needed"


class DealerSuspended(Conflict):
    code = SecondhandCode.DEALER_SUSPENDED


class DealerNotRegistered(PermissionDenied):
    code = SecondhandCode.DEALER_NOT_REGISTERED


class CertificateRequired(Conflict):
    code = SecondhandCode.WIPE_CERTIFICATE_REQUIRED


class CertificateNotFound(NotFound):
    code = SecondhandCode.WIPE_CERTIFICATE_NOT_FOUND


class IllegalTransition(Conflict):
    code = SecondhandCode.ILLEGAL_TRANSITION


class DuplicateOpenListing(Conflict):
    code = SecondhandCode.DUPLICATE_OPEN_LISTING


class AlreadyRegistered(Conflict):
    code = SecondhandCode.ALREADY_REGISTERED


class NotPublicInstitution(PermissionDenied):
    code = SecondhandCode.NOT_PUBLIC_INSTITUTION


class OrgNotMerchant(InvalidInput):
    """Only an organisation of the merchant kind can be registered as a dealer."""

    code = SecondhandCode.ORG_NOT_MERCHANT


class UsccMismatch(InvalidInput):
    """The unified social credit code differs from the organisation's registered one."""

    code = SecondhandCode.USCC_MISMATCH


class OrgNotInstitution(InvalidInput):
    """A public institution must be an organisation of the enterprise (unit) kind."""

    code = SecondhandCode.ORG_NOT_INSTITUTION


class WipeNotNeeded(InvalidInput):
    """Only phones, tablets and computers need a data-wiping record."""

    code = SecondhandCode.WIPE_NOT_NEEDED
