"""Run-time services of a run: checkpoints, stop signals, the status file."""
