"""python -m parity.scale.dead: list or re-drive the task queue's dead letters."""
