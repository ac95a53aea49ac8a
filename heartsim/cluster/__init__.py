"""Batch work on clusters: Slurm job scripts, GPU binding of ranks."""
