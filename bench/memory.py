"""A process's memory as Linux reports it in /proc/<pid>/status (no other imports: the backends
bench measures its own process's peak)."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mib(pid: int | str = "self") -> float:
    """The highest resident set size the process has had (VmHWM)."""
    return _status_mib(pid, "VmHWM")


def rss_mib(pid: int | str = "self") -> float:
    """The process's resident set size now (VmRSS)."""
    return _status_mib(pid, "VmRSS")


def _status_mib(pid: int | str, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")
