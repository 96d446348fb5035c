"""`python -m parity.scale.worker`: a task-queue worker (see parity.scale.task_queue)."""
