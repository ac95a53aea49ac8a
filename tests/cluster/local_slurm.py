"""A throw-away one-node Slurm cluster for tests: munged, slurmctld and slurmd on 127.0.0.1.

Started from the machine's own slurm-wlm and munge packages (in heartsim's environment), with every
file under a temporary folder, and stopped by the PIDs it started. ``LocalSlurm.unavailable()``
says why a machine cannot run it (then the tests skip with that reason).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalSlurm:
    """Context manager: ``with LocalSlurm(tmp) as slurm: slurm.sbatch(script)``."""

    def __init__(self, root: Path, cpus: int | None = None):
        self.root = Path(root)
        self.cpus = cpus or os.cpu_count() or 1
        self.procs: list[subprocess.Popen] = []
        self.env = dict(os.environ)

    @staticmethod
    def unavailable() -> str | None:
        """Why no local Slurm can be started here (None when it can)."""
        missing = [d for d in DAEMONS if shutil.which(d) is None]
        if missing:
            return f"Slurm/munge not installed ({', '.join(missing)} missing)"
        if os.geteuid() != 0:
            return "starting slurmd needs root"
        return None

    def _write_conf(self) -> Path:
        host = socket.gethostname()
        r = self.root
        for sub in ("state", "spool", "log", "munge"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        conf = r / "slurm.conf"
        conf.write_text(f"""ClusterName=heartsimtest
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={r}/munge/munge.sock
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/slurmctld.pid
SlurmdPidFile={r}/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
JobRequeue=1
ReturnToService=2
InactiveLimit=0
KillWait=5
MinJobAge=600
OverTimeLimit=0
SchedulerParameters=sched_interval=2
NodeName={host} NodeAddr=127.0.0.1 CPUs={self.cpus} State=UNKNOWN
PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP
""")
        (r / "cgroup.conf").write_text("CgroupPlugin=disabled\n")
        return conf

    def __enter__(self) -> "LocalSlurm":
        conf = self._write_conf()
        self.env["SLURM_CONF"] = str(conf)
        m = self.root / "munge"
        key = m / "munge.key"
        subprocess.run(["mungekey", "--create", f"--keyfile={key}"], check=True, capture_output=True)
        os.chmod(key, 0o600)
        os.chmod(m, 0o700)
        self._start(["munged", "--foreground", "--force", f"--socket={m}/munge.sock", f"--key-file={key}",
                     f"--pid-file={m}/munged.pid", f"--log-file={m}/munged.log", f"--seed-file={m}/seed"])
        self._wait_for(lambda: (m / "munge.sock").exists(), "munged socket")
        self._start(["slurmctld", "-D", "-f", str(conf)])
        time.sleep(1.0)
        self._start(["slurmd", "-D", "-f", str(conf)])
        self._wait_for(self.node_idle, "the node to become idle", timeout=60)
        return self

    def _start(self, cmd: list[str]) -> None:
        log = open(self.root / "log" / f"{Path(cmd[0]).name}.stdout", "w")
        self.procs.append(subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT))
        time.sleep(0.2)
        if self.procs[-1].poll() is not None:
            raise RuntimeError(f"{cmd[0]} exited at start: {(self.root / 'log' / f'{cmd[0]}.stdout').read_text()[-2000:]}")

    def _wait_for(self, ready, what: str, timeout: float = 30) -> None:
        end = time.time() + timeout
        while time.time() < end:
            if ready():
                return
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{p.args[0]} died while waiting for {what}: see {self.root / 'log'}")
            time.sleep(0.5)
        raise RuntimeError(f"timed out waiting for {what}: see {self.root / 'log'}")

    def node_idle(self) -> bool:
        """The node runs no job and is not cleaning one up (state idle, not completing)."""
        out = self.run(["sinfo", "-h", "-o", "%t"], check=False).stdout
        return out.strip() == "idle"

    def step_daemons(self, job: str) -> list[int]:
        """PIDs of slurmstepd processes still serving ``job`` on this node."""
        found = []
        for proc in Path("/proc").iterdir():
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if cmdline.startswith("slurmstepd") and f"[{job}." in cmdline:
                found.append(int(proc.name))
        return found

    def log_tails(self, lines: int = 40) -> str:
        """The last lines of slurmctld's and slurmd's logs (for a failure message)."""
        out = []
        for name in ("slurmctld.log", "slurmd.log"):
            path = self.root / "log" / name
            text = path.read_text(errors="replace").splitlines()[-lines:] if path.is_file() else []
            out.append(f"\n--- {name} ---\n" + "\n".join(text))
        return "".join(out)

    def run(self, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=check)

    def sbatch(self, script: Path) -> str:
        return self.run(["sbatch", "--parsable", str(script)]).stdout.strip().split(";")[0]

    def job_states(self, job: str) -> list[str]:
        """States of a job (or of every task of an array), from scontrol."""
        out = self.run(["scontrol", "-o", "show", "job", job], check=False).stdout
        return [field.split("=", 1)[1] for line in out.splitlines() for field in line.split()
                if field.startswith("JobState=")]

    def wait(self, job: str, timeout: float = 300, done=("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
                                                         "NODE_FAIL", "OUT_OF_MEMORY")) -> list[str]:
        end = time.time() + timeout
        while time.time() < end:
            states = self.job_states(job)
            if states and all(s in done for s in states):
                return states
            time.sleep(1.0)
        raise TimeoutError(f"job {job} not finished after {timeout} s: {self.job_states(job)}")

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
