"""Named crash points for crash tests: ``crash_point("settle.after_commit_parts")`` kills the
process with SIGKILL when ``HUANXIN_CRASH_AT`` names that point (and does nothing otherwise).

Only the crash tests set the variable; production never does.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("HUANXIN_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
