"""Failures specific to fleet dispatch."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import DomainError


class DispatchCode(StrEnum):
    """Stable codes of the dispatch engine's failures (``DispatchErrorCode`` in OpenAPI)."""

    TRAVEL_MATRIX_INVALID = "travel_matrix_invalid"
    TRAVEL_SERVICE_UNAVAILABLE = "travel_service_unavailable"


class TravelMatrixError(DomainError):
    """The travel-time provider returned a matrix that cannot be used."""

    status = 502
    code = DispatchCode.TRAVEL_MATRIX_INVALID


class TravelServiceUnavailable(DomainError):
    """The configured road-network service (OSRM) cannot be reached."""

    status = 503
    code = DispatchCode.TRAVEL_SERVICE_UNAVAILABLE
