"""A small process that starts every measured command, so peak memory is the command's own.

On Linux a child's `ru_maxrss` starts from its parent's memory: `subprocess` (vfork) hands
it the parent's *peak* RSS, `fork` its current RSS. The benchmark driver grows while it
works, so it never starts a measured command itself; it asks this launcher - a bare
`python -S` with only `os`, `json`, `signal` and `time` loaded (about 10 MB, less than
any Python command measured) - which forks, execs and reaps them with `wait4`.

Protocol: one JSON object per line on stdin, one JSON reply per line on stdout.
    {"op": "run", "cmd": [...], "cwd": "...", "env": {...}, "log": "...", "timeout": s}
        -> {"pid", "wall", "cpu", "maxrss_kb", "exit", "signal", "timed_out", "others"}
    {"op": "start", "cmd": ..., "cwd": ..., "env": ..., "log": ...}  -> {"pid"}
    {"op": "stop", "pid": p, "signal": 2, "grace": 20}              -> as for "run"
    {"op": "quit"}
"""

import json
import os
import signal
import sys
import time

_started: dict[int, tuple[float, float | None]] = {}  # pid -> (start, machine busy seconds then)
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle, iowait
    return (sum(fields[:8]) - idle) / _TICK


def _spawn(request: dict) -> int:
    pid = os.fork()
    if pid == 0:  # the child: new session (so the whole group can be stopped), log, exec
        try:
            os.setsid()
            log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.chdir(request["cwd"])
            os.execve(request["cmd"][0], request["cmd"], request["env"])
        finally:
            os._exit(127)
    _started[pid] = (time.perf_counter(), _busy())
    return pid


def _reap(pid: int, timed_out: bool = False) -> dict:
    _, status, usage = os.wait4(pid, 0)
    started, busy = _started.pop(pid)
    wall = time.perf_counter() - started
    busy_now = _busy()
    cpu = usage.ru_utime + usage.ru_stime
    # Cores that other processes kept busy meanwhile: with the kernel's autogroup scheduling a
    # measured command gets a fair share per session, not per process, so a build that uses
    # two cores slows down far more than a one-core command when another session is busy.
    others = None if busy is None or busy_now is None or wall <= 0 else max(0.0, (busy_now - busy - cpu) / wall)
    return {
        "pid": pid,
        "wall": wall,
        "cpu": cpu,
        "others": others,
        "maxrss_kb": usage.ru_maxrss,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
    }


def _kill_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _run(request: dict) -> dict:
    expired = []

    def on_alarm(signum: int, frame: object) -> None:
        expired.append(True)
        _kill_group(pid, signal.SIGKILL)

    pid = _spawn(request)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(request["timeout"]))
    try:
        reply = _reap(pid)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if expired:
        _kill_group(pid, signal.SIGKILL)  # anything the command left behind in its group
    reply["timed_out"] = bool(expired)
    return reply


def _stop(request: dict) -> dict:
    pid = int(request["pid"])
    _kill_group(pid, int(request.get("signal", signal.SIGINT)))

    def on_alarm(signum: int, frame: object) -> None:
        _kill_group(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(request.get("grace", 20)))
    try:
        return _reap(pid)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        if op == "quit":
            break
        try:
            if op == "run":
                reply = _run(request)
            elif op == "start":
                reply = {"pid": _spawn(request)}
            elif op == "stop":
                reply = _stop(request)
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as error:  # noqa: BLE001 - reported to the driver, which decides
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    for pid in list(_started):
        _kill_group(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
