"""Combine pytest JUnit XML files into one closing line for scripts/test.

Usage: summarize-junit.py SERIAL_RC MPI_RC FILE.xml...
A test counts as failed when it failed or errored on any rank. Exit status 0 only when both pytest
runs exited 0 (pytest's 5, "no tests collected", counts as a failure: the suite must run tests).
"""

import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    """Map (classname, name) -> 'passed' | 'failed' | 'skipped' for one JUnit file."""
    result = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        key = (path.rsplit("/", 1)[-1].split("-")[0].split(".")[0], case.get("classname"), case.get("name"))
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            result[key] = "failed"
        elif "skipped" in tags:
            result[key] = "skipped"
        else:
            result[key] = "passed"
    return result


def main(argv):
    serial_rc, mpi_rc, files = int(argv[1]), int(argv[2]), argv[3:]
    merged = {}
    unreadable = []
    for path in files:
        try:
            found = outcomes(path)
        except (OSError, ET.ParseError):  # a run that died before writing its report
            unreadable.append(path)
            continue
        for key, outcome in found.items():
            if outcome == "failed" or key not in merged:
                merged[key] = outcome
    counts = {k: sum(1 for v in merged.values() if v == k) for k in ("passed", "failed", "skipped")}
    print(f"summary: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    for path in unreadable:
        print(f"no readable test report: {path}", file=sys.stderr)
    ok = serial_rc == 0 and mpi_rc == 0 and counts["failed"] == 0 and counts["passed"] > 0 and not unreadable
    if not ok and counts["failed"] == 0:
        print(f"pytest exit codes: serial {serial_rc}, mpi {mpi_rc}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
