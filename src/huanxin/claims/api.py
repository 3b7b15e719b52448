"""Public surface of the claims domain beside its service functions (``service``) and ports
(``ports``): the Chinese labels of claim states."""

from huanxin.claims.states import LABELS

__all__ = ["LABELS"]
