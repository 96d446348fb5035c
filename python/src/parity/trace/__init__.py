"""Timelines: a run recorded as spans (record), merged and checked (schema), drawn (render)."""
