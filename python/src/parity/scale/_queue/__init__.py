"""What the scale.task-queue lesson stands on: the message format, the Redis steps the lesson
names but does not show, the worker processes of both languages, the demo, the dead-letter
commands and the chaos run. The lesson is parity/scale/task_queue.py."""
