"""Verification cases shared by the tests (small sizes) and scripts/ (full size)."""
