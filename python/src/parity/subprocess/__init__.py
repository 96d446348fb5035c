"""subprocess: running other programs (run, communicate, pipelines)."""
