"""Public surface of the supervision domain beside its service functions (``service``): the
platform acting as a jurisdiction's office (the reminders job)."""

from huanxin.supervision.cli import system_actor

__all__ = ["system_actor"]
