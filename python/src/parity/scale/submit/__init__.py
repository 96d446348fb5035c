"""`python -m parity.scale.submit`: the task-queue master (see parity.scale.task_queue)."""
