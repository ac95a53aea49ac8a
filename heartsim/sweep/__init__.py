"""Parameter and cohort sweeps: prepare case folders, run them (locally or as a Slurm array), collect."""
