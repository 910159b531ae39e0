"""Background work (indexing, passage embedding) yields the CPU to questions.

On a 2-core laptop a reindex of a large note competes with the people asking. On Linux the
indexing threads run in the SCHED_IDLE class, so a question thread that wakes up preempts them
at once (bench.load, two clients asking without pause while a 5 MB note is indexed: 62,953
questions answered instead of 32,681, p95 1.95x idle instead of 2.37x; the note took 328 s instead
of 218 s), and at a higher nice value, which is what is left where SCHED_IDLE is not available.
Elsewhere, or where neither is permitted, threads keep the normal priority: slower answers
meanwhile, nothing wrong.
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
        os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
