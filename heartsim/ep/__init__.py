"""Cardiac electrophysiology: monodomain model, P1 elements, operator splitting."""
