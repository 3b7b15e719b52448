"""Route dependencies that accept either of two permissions (enterprise users hold
``equipment:own``, departments ``equipment:read``/``equipment:manage``); the service then
narrows what each may see."""

from __future__ import annotations

from huanxin.web.deps import page_require_any, require_any

__all__ = ["READ", "WRITE", "page_require_any", "require_any"]

READ = ("equipment:read", "equipment:own")
WRITE = ("equipment:manage", "equipment:own")
