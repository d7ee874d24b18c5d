"""Limits the operating system enforces on every command-line step (validate, build, coverage,
codebook, fmt, diff, synth), so that a contribution nobody foresaw still ends in bounded time
and memory (SECURITY.md): the checks bound what they parse, and these bound whatever is left.

- Address space (RLIMIT_AS), 2 GiB: an allocation beyond it fails (MemoryError in Python), and the
  step ends with one line. RLIMIT_AS counts address space reserved, not memory used, and the
  engines reserve far more than they touch, so they are told to reserve less first (ENGINES):
  pyarrow's default allocator, mimalloc, reserves 1 GiB on its first table (the system allocator
  instead), and each Polars worker thread gets a glibc arena of 64 MiB reserved (at most ARENAS
  arenas, and at most THREADS workers). Peak address space on the real package, without these
  settings and with them (RSS unchanged): validate 1,330 -> 711 MiB, build 2,718 -> 936 MiB,
  text_coverage 1,172 -> 528 MiB, codebook 890 -> 465 MiB. An allocation that fails inside the
  engines themselves (Rust, C++) ends the process with their one line, "memory allocation of N
  bytes failed" (exit 134), not a traceback; the row and cell limits (limits.py) keep real
  packages far from that.
- CPU time (RLIMIT_CPU), 120 s: the 60 s a CI step may take, on both cores the validator keeps
  busy (CPU time is summed over threads). At the soft limit the kernel sends SIGXCPU, answered
  here with one line; 10 s later the hard limit kills the process whatever it is doing.

Benchmarks of trusted, generated packages opt out with the environment variable DP_LIMITS=off
(scripts/bench.py and scripts/bench_hostile.py set it, and their child steps inherit it).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys

GiB = 1024**3
MEMORY_BYTES = 2 * GiB
CPU_SECONDS = 120
CPU_GRACE = 10  # between SIGXCPU (soft limit) and SIGKILL (hard limit)
OFF = "DP_LIMITS"
# Worker threads per engine: each reserves address space, so on a 64-core runner unbounded pools
# alone would pass 2 GiB; 4 keeps CI's cores busy with room to spare.
THREADS = "4"
ARENAS = 4  # glibc malloc arenas (M_ARENA_MAX); the default is 8 per core
ENGINES = {
    "POLARS_MAX_THREADS": THREADS,
    "RAYON_NUM_THREADS": THREADS,
    "OMP_NUM_THREADS": THREADS,
    "OPENBLAS_NUM_THREADS": THREADS,
    "ARROW_IO_THREADS": THREADS,
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": str(ARENAS),
}  # the last for child processes: glibc reads it at start
M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)

MEMORY_MESSAGE = (
    f"stopped: the step needed more than {MEMORY_BYTES // GiB} GiB of memory (SECURITY.md: bounded CI steps)"
)
CPU_MESSAGE = f"stopped: the step used more than {CPU_SECONDS} s of CPU time (SECURITY.md: bounded CI steps)"


def enabled() -> bool:
    return os.environ.get(OFF, "").lower() not in ("off", "0", "no", "false")


def apply() -> bool:
    """Set the limits for this process and its children (unless DP_LIMITS=off); whether they are on.
    Call it before Polars, pyarrow or numpy are imported: they size their thread pools then."""
    if not enabled():
        return False
    for name, value in ENGINES.items():
        os.environ.setdefault(name, value)
    # An allocation that fails inside Polars or pyarrow (Rust, C++) ends the process with the
    # engine's one line, "memory allocation of N bytes failed": no backtrace after it.
    os.environ["RUST_BACKTRACE"] = "0"
    _cap_arenas()
    _lower(resource.RLIMIT_AS, MEMORY_BYTES)
    _lower(resource.RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + CPU_GRACE)
    signal.signal(signal.SIGXCPU, _out_of_time)
    return True


def _cap_arenas() -> None:
    """This process's malloc arenas, which MALLOC_ARENA_MAX would set only at the start (glibc only)."""
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, ARENAS)
    except (OSError, AttributeError):  # not glibc: its allocator has no per-thread arenas to cap
        pass


def _lower(kind: int, soft: int, hard: int | None = None) -> None:
    """Lower a limit, never raise one the caller already set lower (a container, ulimit)."""
    old_soft, old_hard = resource.getrlimit(kind)
    hard = soft if hard is None else hard
    if old_hard != resource.RLIM_INFINITY:
        hard = min(hard, old_hard)
    soft = min(soft, hard) if old_soft == resource.RLIM_INFINITY else min(soft, old_soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _out_of_time(signum, frame) -> None:
    """SIGXCPU: one line, then exit at once (os._exit: worker threads would keep a normal exit waiting)."""
    _say(CPU_MESSAGE)
    os._exit(1)


def _say(line: str) -> None:
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - the main thread may be inside a write; the line goes out anyway
        pass
    os.write(1, (line + "\n").encode())


def run(main) -> int:
    """main()'s exit code, or 1 with one line if it ran out of memory (no traceback)."""
    try:
        return main()
    except BrokenPipeError:  # the reader went away (`… | head`): nothing more to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit would fail too
        return 1
    except MemoryError:
        _say(MEMORY_MESSAGE)
        return 1
    except RuntimeError as exc:
        if "can't start new thread" not in str(exc):  # a thread's stack is address space too
            raise
        _say(MEMORY_MESSAGE)
        return 1
