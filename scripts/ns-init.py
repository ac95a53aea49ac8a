"""First process inside heartsim's root-filesystem namespace (started by scripts/lib-env.sh).

PID 1 of a PID namespace only receives the signals it has handlers for, and the unshare in front
of it ignores SIGTERM/SIGUSR1 (so that it does not die and take the namespace with it). This small
init therefore runs the real command as its child with default signal dispositions, forwards
SIGTERM, SIGUSR1 and SIGINT to it, and exits with its status (128 + N when killed by signal N).

Usage: python3 ns-init.py WORKDIR CMD [ARGS...]
"""

import os
import signal
import subprocess
import sys

FORWARDED = (signal.SIGTERM, signal.SIGUSR1, signal.SIGINT)


def _defaults() -> None:
    for sig in FORWARDED:
        signal.signal(sig, signal.SIG_DFL)


def main() -> int:
    os.chdir(sys.argv[1])
    try:
        child = subprocess.Popen(sys.argv[2:], preexec_fn=_defaults)
    except OSError as exc:
        print(f"heartsim-env: cannot run {sys.argv[2]}: {exc.strerror}", file=sys.stderr)
        return 127
    for sig in FORWARDED:
        signal.signal(sig, lambda signum, frame: child.send_signal(signum))
    code = child.wait()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
