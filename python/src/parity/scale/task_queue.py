"""scale.task-queue: the article's master/worker job on a Redis stream, Python and .NET together.

Workers of either language read the stream through a consumer group. At least once: an entry
stays pending until acknowledged (XACK); a dead worker's entry is claimed by another once idle
(XAUTOCLAIM), a live worker renews its lease. HSETNX keeps a task's first result. A task that
raises is retried with backoff; one that keeps failing, or killing its workers, is dead-lettered.
The format, the Redis steps and the demo: parity/scale/_queue/.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection

import redis

from parity.common import entry
from parity.common.timing import LONG_TIMEOUT, POLL_INTERVAL
from parity.scale._queue import demo  # drives this module's Worker and put_tasks
from parity.scale._queue import redis_ops as ops
from parity.scale._queue.messages import Keys, Result, Task, decode_task, encode_result, encode_task

LANGUAGE = "python"
CLAIM_IDLE_MS, MAX_DELIVERIES, MAX_ATTEMPTS, BACKLOG, BLOCK_MS = 5000, 3, 3, 1000, 100


# <worker>
class Worker:
    """Takes one task at a time: one abandoned by a dead worker first, else a new one."""

    def __init__(self, r: redis.Redis, *, keys: Keys = ops.KEYS, name: str | None = None,
                 claim_idle_ms: int = CLAIM_IDLE_MS, max_deliveries: int = MAX_DELIVERIES,
                 max_attempts: int = MAX_ATTEMPTS, time_limit_ms: int = 0,
                 stop: threading.Event | None = None, say: Callable[[str], None] = print,
                 work: Callable[[Task, threading.Event], None] = ops.simulated_work,
                 ) -> None:  # fmt: skip
        self.r, self.keys, self.name, self.say = r, keys, ops.worker_name(LANGUAGE, name), say
        self.work, self.stop = work, stop or threading.Event()
        self.claim_idle_ms, self.max_deliveries = claim_idle_ms, max_deliveries
        self.max_attempts, self.time_limit_ms = max_attempts, time_limit_ms
        self.cursor = b"0-0"  # XAUTOCLAIM's cursor carries over between calls

    def run(self) -> None:
        ops.reconnecting(lambda: ops.ensure_group(self.r, self.keys), self.say, self.stop)
        self.say(f"worker {self.name} ready")
        while not self.stop.is_set():
            ops.reconnecting(self.step, self.say, self.stop)  # a restarting server: wait, go on
        ops.leave(self.r, self.keys, self.name)

    def step(self) -> bool:
        """Handle at most one task; False when there was none."""
        with ops.nogroup_recreated(self.r, self.keys):
            got = self.claim() or self.read()
            if got is None:
                return ops.promote_due(self.r, self.keys) > 0  # retries whose pause is over
            if got.deliveries:  # 0: its holder finished it meanwhile, nothing to do
                self.handle(got)
            return True

    def claim(self) -> ops.Delivery | None:
        """An entry another worker left idle past claim_idle_ms, now ours (XAUTOCLAIM). The
        cursor carries over: one call scans at most ten pending entries for COUNT 1."""
        k = self.keys
        self.cursor, got = ops.claim_one(self.r, k, self.name, self.claim_idle_ms, self.cursor)
        if got is not None and got.deliveries == 0:  # XPENDING has it no more: acknowledged
            self.say(f"{got.entry_id} was finished by its holder meanwhile")
        return got

    def read(self) -> ops.Delivery | None:
        k, block = self.keys, ops.block_ms(self.r, self.keys, BLOCK_MS)  # <= the .NET worker's poll
        read = ops.raw(self.r, "XREADGROUP", "GROUP", k.group, self.name, "COUNT", 1,
                       "BLOCK", block, "STREAMS", k.tasks, ">")  # fmt: skip
        return ops.delivery(read[0][1][0], 1) if read and read[0][1] else None

    def handle(self, d: ops.Delivery) -> None:
        try:
            task = decode_task(d.raw.decode("utf-8"))  # strictly UTF-8, as the .NET worker reads
        except ValueError as exc:  # UnicodeDecodeError included: dead-lettered byte for byte
            return self.dead_letter(d, None, f"bad message: {exc}")
        if d.deliveries > self.max_deliveries:  # its workers keep dying: stop handing it out
            return self.dead_letter(d, task, "too many deliveries")
        self.say(f"holding {task.run}/{task.seq} (delivery {d.deliveries}, try {d.attempt + 1})")
        error = None
        with ops.Guard(self.r, self.keys, self.name, d.entry_id, self.claim_idle_ms,
                       self.stop, self.time_limit_ms, self.say) as guard:  # fmt: skip
            try:
                self.work(task, guard.cancel)
            except Exception as exc:  # the task raised: retried later, or given up on
                error = f"{type(exc).__name__}: {exc}"
        if error or guard.timed_out:
            return self.failed(d, task, error or f"over the time limit of {self.time_limit_ms} ms")
        if guard.cancel.is_set():  # asked to stop mid-task: the next worker takes it at once
            return ops.hand_back(self.r, self.keys, self.name, d)
        return self.record(d.entry_id, task)

    def record(self, entry_id: str, task: Task) -> None:
        result = Result(task.run, task.seq, task.n, task.n * task.n, self.name, LANGUAGE)
        first = self.r.hsetnx(self.keys.results(task.run), str(task.seq), encode_result(result))
        with self.r.pipeline(transaction=True) as tx:
            if not first:  # finished before by a worker presumed dead: count it, change nothing
                tx.hincrby(self.keys.duplicates(task.run), str(task.seq), 1)
                tx.expire(self.keys.duplicates(task.run), ops.RUN_TTL_S)
            tx.expire(self.keys.results(task.run), ops.RUN_TTL_S)
            tx.xack(self.keys.tasks, self.keys.group, entry_id)
            tx.xdel(self.keys.tasks, entry_id)
            tx.execute()

    def failed(self, d: ops.Delivery, task: Task, why: str) -> None:
        if d.attempt + 1 >= self.max_attempts:
            return self.dead_letter(d, task, f"failed {d.attempt + 1} times: {why}")
        pause = ops.backoff_ms(d.attempt)
        self.say(f"failed {task.run}/{task.seq} ({why}): attempt {d.attempt + 2} in {pause} ms")
        return ops.retry_later(self.r, self.keys, d, pause)

    def dead_letter(self, d: ops.Delivery, task: Task | None, reason: str) -> None:
        self.say(ops.dead_letter(self.r, self.keys, self.name, d, task, reason))  # XADD, XACK


# </worker>


# <submit>
def put_tasks(r: redis.Redis, run: str, count: int, task_ms: int, *, keys: Keys = ops.KEYS,
              fail: Collection[int] = (), backlog: int = BACKLOG,
              timeout: float = LONG_TIMEOUT) -> None:  # fmt: skip
    """Add `count` tasks; while `backlog` tasks are unfinished, wait (back-pressure)."""
    ops.ensure_group(r, keys)
    deadline = time.monotonic() + timeout
    for seq in range(count):
        while r.xlen(keys.tasks) >= backlog:  # finished tasks are deleted: this is the backlog
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stream stayed full ({backlog} tasks) for {timeout:g} s")
            time.sleep(POLL_INTERVAL)
        task = encode_task(Task(run, seq, seq, task_ms, seq in fail))
        r.xadd(keys.tasks, {"task": task}, maxlen=ops.STREAM_CAP, approximate=False)


# </submit>


def main() -> None:
    demo.main(Worker, put_tasks)


if __name__ == "__main__":
    entry.run(main)
