"""`python -m parity.scale.chaos` and `invoke chaos`: the task queue under fire (the logic is in
parity/scale/_queue/chaos.py)."""

from __future__ import annotations

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from parity.scale._queue import chaos as chaos_run


@task(
    help={
        "seconds": "how long tasks flow (default 120)",
        "workers": "workers per language (default 2)",
        "kills": "SIGKILLs a minute, at random (default 12)",
        "restarts": "Redis restarts with SIGKILL, spread over the run (default 3)",
        "aof": "an append-only file, fsync always (default; --no-aof: restarts lose tasks)",
        "seed": "seed the random choices, to replay a run",
    }
)
def chaos(  # noqa: PLR0917 - a task's options are its parameters
    c: Context,
    seconds: str = "120",
    workers: int = 2,
    kills: str = "12",
    restarts: int = 3,
    aof: bool = True,
    seed: str = "",
) -> None:
    """Run the task queue while workers are killed and Redis restarts; one table, exit 1 on loss."""
    argv = [f"--seconds={seconds}", f"--workers={workers}", f"--kills-per-minute={kills}"]
    argv += [f"--restarts={restarts}", *([] if aof else ["--no-aof"])]
    argv += [f"--seed={seed}"] if seed else []
    code = chaos_run.main(argv)
    if code:
        raise Exit(code=code)
