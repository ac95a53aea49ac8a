"""Site profiles: how jobs run on one cluster (a YAML file the user keeps, ``--profile``).

One profile serves every job on that cluster: default resources, how the environment is entered
(native, a module list, a conda env, this repo's ``scripts/in-env``, or a container image), how ranks
are launched (``srun`` with PMIx, or ``mpirun``), where the shared DOLFINx compile cache lives, and
how long before the time limit Slurm warns the run. Every value that reaches a job script is checked
here against a strict pattern: a value that could break the script is an error naming its key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, Field, model_validator

from heartsim.config.model import ConfigPath, Section

_WORD = re.compile(r"^[A-Za-z0-9._@+:/=,%-]+$")
_TIME = re.compile(r"^(\d+-)?\d+(:\d{1,2}){0,2}$")
_MEM = re.compile(r"^\d+[KMGT]?$")


def _safe_word(value: str) -> str:
    if not _WORD.match(value):
        raise ValueError(f"{value!r} has characters a job script cannot take safely "
                         "(allowed: letters, digits and . _ @ + : / = , % -)")
    return value


def _safe_path(value: Path) -> Path:
    text = str(value)
    if any(c in text for c in "\n\r\0") or any(ord(c) < 32 for c in text):
        raise ValueError(f"{text!r}: control characters are not allowed in a path")
    return value


def _slurm_time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f"{value!r} is not a Slurm time (minutes, MM:SS, HH:MM:SS or D-HH:MM:SS)")
    return value


def _slurm_mem(value: str) -> str:
    if not _MEM.match(value):
        raise ValueError(f"{value!r} is not a Slurm memory size (like 4000, 4G or 512M)")
    return value


SafeWord = Annotated[str, AfterValidator(_safe_word)]
SafePath = Annotated[ConfigPath, AfterValidator(_safe_path)]
SlurmTime = Annotated[str, AfterValidator(_slurm_time)]
SlurmMem = Annotated[str, AfterValidator(_slurm_mem)]


class Resources(Section):
    """What a job asks Slurm for (profile defaults, overridden by ``heartsim slurm`` options)."""

    nodes: int = Field(1, ge=1)
    """Nodes (--nodes)."""
    ntasks_per_node: int = Field(1, ge=1)
    """MPI ranks per node (--ntasks-per-node)."""
    cpus_per_task: int = Field(1, ge=1)
    """CPUs per rank (--cpus-per-task)."""
    gpus_per_node: int = Field(0, ge=0)
    """GPUs per node (--gpus-per-node); each rank is bound to GPU (local rank mod GPUs)."""
    mem: Optional[SlurmMem] = None
    """Memory per node (--mem), like 4G."""
    time: SlurmTime = "01:00:00"
    """Time limit (--time)."""
    partition: Optional[SafeWord] = None
    """Partition (--partition)."""
    account: Optional[SafeWord] = None
    """Account (--account)."""
    qos: Optional[SafeWord] = None
    """Quality of service (--qos)."""


class Environment(Section):
    """How a job enters heartsim's environment."""

    kind: Literal["native", "modules", "conda", "in_env", "container"] = "in_env"
    """native: heartsim on PATH already; modules: ``module load`` each of ``modules``; conda:
    ``conda activate conda_env``; in_env: this repo's ``scripts/in-env``; container: ``apptainer exec image``."""
    modules: tuple[SafeWord, ...] = ()
    """Modules to load (kind: modules)."""
    conda_env: Optional[SafeWord] = None
    """Conda environment (kind: conda)."""
    repo: Optional[SafePath] = None
    """heartsim checkout whose scripts/in-env is used (kind: in_env; default: this checkout)."""
    image: Optional[SafePath] = None
    """Container image (kind: container)."""
    container_runtime: Literal["apptainer", "singularity"] = "apptainer"
    """Container runtime (kind: container)."""

    @model_validator(mode="after")
    def _complete(self) -> "Environment":
        needs = {"modules": "modules", "conda": "conda_env", "container": "image"}
        key = needs.get(self.kind)
        if key is not None and not getattr(self, key):
            raise ValueError(f"kind: {self.kind} needs {key}")
        return self


class SiteProfile(Section):
    """One cluster's way of running heartsim jobs."""

    name: SafeWord = "cluster"
    """Name of the cluster (in job names and logs)."""
    launcher: Literal["srun", "mpirun"] = "srun"
    """How ranks start: ``srun --mpi=<srun_mpi>`` (multi-node) or ``mpirun`` inside the environment (one node)."""
    srun_mpi: SafeWord = "pmix"
    """MPI plugin for srun (--mpi)."""
    environment: Environment = Environment()
    """Entering the environment."""
    resources: Resources = Resources()
    """Default resources."""
    jit_cache: Optional[SafePath] = None
    """Shared folder for the DOLFINx/FFCx compile cache (XDG_CACHE_HOME), so array tasks reuse compiled forms."""
    signal_seconds: int = Field(120, ge=10)
    """Seconds before the time limit at which Slurm sends SIGUSR1 (the run checkpoints and is requeued)."""
    requeue: bool = True
    """Requeue a job that stopped on the signal, so it continues from its checkpoint."""
