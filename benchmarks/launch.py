"""Run one command and report its wall time, CPU time and peak memory.

    python -I -S benchmarks/launch.py RESULT_FILE TIMEOUT_S COMMAND [ARG...]

Why a separate small process: on Linux a child's ``ru_maxrss`` starts at the peak RSS of
the process it was forked from (the kernel records the old address space's high-water
mark at ``exec``). Forked straight from the runner, every measurement would include the
runner's own memory. Forked from this launcher, the baseline is a bare interpreter.

The timing starts just before ``fork`` and ends when ``wait4`` returns, so this
launcher's own start-up is not counted. RESULT_FILE gets one line of
``key=value`` pairs. TIMEOUT_S of 0 means no limit; on timeout the child is killed.
"""

import os
import signal
import sys
import time


def main() -> int:
    result_file, timeout = sys.argv[1], float(sys.argv[2])
    command = sys.argv[3:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: become the command
        try:
            os.execvp(command[0], command)
        except OSError as error:
            print(f"launch.py: cannot run {command[0]}: {error}", file=sys.stderr)
        os._exit(127)
    if timeout > 0:
        signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
        signal.setitimer(signal.ITIMER_REAL, timeout)
    while True:
        try:
            _pid, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:  # pragma: no cover - PEP 475 retries for us
            continue
    wall = time.perf_counter() - start
    signal.setitimer(signal.ITIMER_REAL, 0)
    with open(result_file, "w") as handle:
        handle.write(
            f"wall_s={wall!r} user_s={usage.ru_utime!r} sys_s={usage.ru_stime!r} "
            f"max_rss_kib={usage.ru_maxrss} exit_code={os.waitstatus_to_exitcode(status)}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
