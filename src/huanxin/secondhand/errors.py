"""Failures of the secondhand domain, named as facts, with Chinese messages."""

from __future__ import annotations

from huanxin.core.errors import Conflict, NotFound, PermissionDenied


class DealerSuspended(Conflict):
    code = "dealer_suspended"


class DealerNotRegistered(PermissionDenied):
    code = "dealer_not_registered"


class CertificateRequired(Conflict):
    code = "wipe_certificate_required"


class CertificateNotFound(NotFound):
    code = "wipe_certificate_not_found"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class DuplicateOpenListing(Conflict):
    code = "duplicate_open_listing"


class AlreadyRegistered(Conflict):
    code = "already_registered"


class NotPublicInstitution(PermissionDenied):
    code = "not_public_institution"
