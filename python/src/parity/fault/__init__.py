"""When things fail: killed workers, crashing children, timeouts, orphans, recycling, shutdown."""
