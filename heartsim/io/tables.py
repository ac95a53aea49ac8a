"""The one CSV table writer of run outputs (flow boundaries/forces, mechanics load steps, 0D circulation).

Rows are written on rank 0 and flushed one by one, so a table is readable while the run goes on and
a killed run leaves every finished row. Restart-safe: :meth:`CsvTable.size` (bytes) goes into a
checkpoint, and ``CsvTable(path, header, comm, resume_at=size)`` cuts the file back to that length
and appends, so rows written after the checkpoint by the interrupted run are dropped and none is
missing or doubled. Floats are written with ``float_format`` (``None``: Python's shortest exact repr).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Iterable, Sequence


class CsvTable:
    """A CSV file with ``header`` written row by row on rank 0 of ``comm`` (``comm`` None: this process)."""

    def __init__(self, path: Path, header: Sequence[str], comm=None, resume_at: int | None = None,
                 float_format: str | None = "{:.9g}"):
        self.path, self.root = Path(path), comm is None or comm.rank == 0
        self.header = list(header)
        self.float_format = float_format
        self._file = self._writer = None
        if self.root:
            if resume_at is not None:
                os.truncate(self.path, resume_at)
            self._file = self.path.open("w" if resume_at is None else "a", newline="")
            self._writer = csv.writer(self._file)
        if resume_at is None:
            self._write(self.header)

    def size(self) -> int | None:
        """Bytes written so far (rank 0; None elsewhere)."""
        return os.fstat(self._file.fileno()).st_size if self.root and self._file is not None else None

    def _format(self, value):
        if isinstance(value, float) and self.float_format is not None:
            return self.float_format.format(value)
        return value

    def _write(self, values: Iterable) -> None:
        if self.root:
            self._writer.writerow([self._format(v) for v in values])
            self._file.flush()

    def row(self, values: Sequence) -> None:
        """Append one row (values in header order)."""
        self._write(values)

    def record(self, mapping: dict) -> None:
        """Append one row from a mapping of header names (missing names: empty)."""
        self._write([mapping.get(name, "") for name in self.header])

    def close(self) -> None:
        if self.root and self._file is not None:
            self._file.close()
            self._file = None
