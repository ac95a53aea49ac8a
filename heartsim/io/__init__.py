"""Output: field files for ParaView, summary.json, output-folder handling."""
