"""Background work (indexing, passage embedding) yields the CPU to questions.

On a 2-core laptop a reindex of a large note competes with the people asking; a per-thread
nice value (Linux) lets the scheduler run question threads first. Elsewhere, or where it is
not permitted, threads keep the normal priority: slower answers meanwhile, nothing wrong.
"""

from __future__ import annotations

import os
import threading

BACKGROUND_NICE = 10  # above the process's (main thread's) nice value, 19 at most


def background_priority() -> None:
    """Lower the calling thread's priority (a ThreadPoolExecutor initializer)."""
    try:
        thread = threading.get_native_id()
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICE)
        if os.getpriority(os.PRIO_PROCESS, thread) < target:  # a thread started by a niced one is niced already
            os.setpriority(os.PRIO_PROCESS, thread, target)
    except (AttributeError, OSError):
        pass
