"""Reading the coupled runner's tables in tests."""

import csv


def rows_without_wall_times(path) -> list[list[str]]:
    """The CSV rows without the wall-time columns (header ``*_s``: seconds, which differ between runs),
    for comparing a restarted run's tables with the uninterrupted run's."""
    rows = list(csv.reader(open(path)))
    keep = [i for i, name in enumerate(rows[0]) if not name.endswith("_s")] if rows else []
    return [[row[i] for i in keep] for row in rows]
