"""Checkpoints of nodal state that can be read back on any number of ranks.

Every nodal array is stored against a rank-independent key per node (the node's index in the mesh
input: ``heartsim.fem.dof_input_indices``), gathered on rank 0 and sorted by key. Reading matches the
keys of each rank's local nodes (owned and ghost), so a run checkpointed on N ranks restarts on M.

Files in ``<out>/checkpoint/``: ``ckpt-<step>.npz`` and ``latest.json``, the pointer to the newest.
Each file is written to a temporary name, flushed to disk and renamed, and ``latest.json`` changes
only after its checkpoint is complete; the ``keep`` newest are kept. A run killed at any moment
(SIGKILL included) therefore leaves the previous checkpoint readable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from mpi4py import MPI

from heartsim.runtime.collective import on_root

FOLDER = "checkpoint"
POINTER = "latest.json"


def _fsync_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_checkpoint(out: Path, comm: MPI.Comm, keys: np.ndarray, n_owned: int,
                     fields: dict[str, np.ndarray], meta: dict[str, Any], keep: int) -> Path | None:
    """Write one checkpoint (collective). ``fields`` are arrays of shape (..., n_local) on each rank."""
    owned_keys = comm.gather(keys[:n_owned], root=0)
    owned = {name: comm.gather(np.asarray(a)[..., :n_owned], root=0) for name, a in fields.items()}

    def write() -> Path:
        folder = out / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        all_keys = np.concatenate(owned_keys)
        order = np.argsort(all_keys, kind="stable")
        arrays = {name: np.concatenate(parts, axis=-1)[..., order] for name, parts in owned.items()}
        path = folder / f"ckpt-{meta['step']:09d}.npz"
        _fsync_write(path, lambda h: np.savez(h, __keys__=all_keys[order],
                                              __meta__=np.array(json.dumps(meta)), **arrays))
        _fsync_write(folder / POINTER, lambda h: h.write(json.dumps({"file": path.name, **meta}).encode()))
        for old in sorted(folder.glob("ckpt-*.npz"))[:-keep]:
            old.unlink()
        return path

    return comm.bcast(on_root(comm, write), root=0)


def latest_checkpoint(out: Path) -> Path | None:
    """The newest complete checkpoint in ``out`` (None if there is none)."""
    pointer = out / FOLDER / POINTER
    if not pointer.is_file():
        return None
    path = out / FOLDER / json.loads(pointer.read_text())["file"]
    return path if path.is_file() else None


def read_checkpoint(path: Path, comm: MPI.Comm, keys: np.ndarray) -> tuple[dict[str, np.ndarray], dict]:
    """Fields restricted to this rank's ``keys`` (local nodes), and the metadata. Collective."""
    from heartsim.config.errors import ConfigError

    with np.load(path) as data:
        stored = data["__keys__"]
        meta = json.loads(str(data["__meta__"]))
        where = np.searchsorted(stored, keys)
        bad = bool(np.any(where >= stored.size) or np.any(stored[np.minimum(where, stored.size - 1)] != keys))
        if comm.allreduce(bad, op=MPI.LOR):
            raise ConfigError([f"{path}: the checkpoint does not match this mesh (node keys differ)"])
        fields = {name: data[name][..., where] for name in data.files if not name.startswith("__")}
    return fields, meta
