"""Helpers shared by the benchmark scripts: timing a command, peak memory, printing a table."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent
FAQBOT = str(BIN / "faqbot") if (BIN / "faqbot").exists() else shutil.which("faqbot") or "faqbot"


def run_measured(argv: list[str], ok_status=(0,), **kwargs) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a command to completion: (wall seconds, peak RSS in MB of its whole process tree, result).

    The tree's resident memory (the command and every process under it, such as batch workers)
    is summed from /proc every 50 ms; the peak of those sums is reported. Falls back to
    getrusage of the child where /proc is missing. An exit status outside ``ok_status`` stops the
    benchmark (``faqbot check`` may exit 1 on notes and drift and still be measured)."""
    wall, peak_rss, _, done = run_measured_shared(argv, ok_status, **kwargs)
    return wall, peak_rss, done


def run_measured_shared(argv: list[str], ok_status=(0,), **kwargs):
    """As run_measured, with the peak proportional set size (PSS) of the tree too: (wall, peak RSS
    MB, peak PSS MB, result). Summed RSS counts a page shared by forked workers once per process;
    PSS splits each shared page between the processes sharing it, so its sum is the memory the
    tree really holds (0 where /proc/PID/smaps_rollup is missing)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    peak_holder = [0, 0]
    sampler = threading.Thread(target=_sample_tree, args=(process, peak_holder), daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    peak_kb = peak_holder[0] or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)
    if done.returncode not in ok_status:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-500:]}")
    return wall, peak_kb // 1024, peak_holder[1] // 1024, done


def _sample_tree(process: subprocess.Popen, peak_holder: list) -> None:
    while process.poll() is None:
        rss, pss = _tree_memory_kb(process.pid)
        peak_holder[0] = max(peak_holder[0], rss)
        peak_holder[1] = max(peak_holder[1], pss)
        time.sleep(0.05)


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """Resident and proportional kB of ``root`` and all its descendants, from /proc (0 if
    unavailable)."""
    parents, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    total, proportional, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        proportional += _pss_kb(pid)
        stack += [child for child, parent in parents.items() if parent == pid]
    return total, proportional


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def machine() -> str:
    """One line describing where the figures were taken."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, load average {load:.1f} at start")


def table(header: list[str], rows: list[list]) -> str:
    """A GitHub-flavoured markdown table, so output pastes straight into RESULTS.md."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
