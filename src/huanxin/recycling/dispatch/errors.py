"""Failures specific to fleet dispatch."""

from __future__ import annotations

from huanxin.core.errors import DomainError


class TravelMatrixError(DomainError):
    """The travel-time provider returned a matrix that cannot be used."""

    status = 502
    code = "travel_matrix_invalid"


class TravelServiceUnavailable(DomainError):
    """The configured road-network service (OSRM) cannot be reached."""

    status = 503
    code = "travel_service_unavailable"
