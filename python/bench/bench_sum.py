"""plinq.sum measured with pyperf: the sum alone, in-process, with a warmed-up pool.

The article timed whole programs with `time`, which mostly measures interpreter or runtime
start-up. pyperf runs each benchmark in several fresh worker processes, discards warm-ups and
reports mean and standard deviation.

    python python/bench/bench_sum.py --fast          # a quick look
    python python/bench/bench_sum.py -o sum.json     # full run, then: python -m pyperf stats sum.json
"""

from __future__ import annotations

import pyperf

from parity.common.mp import context
from parity.plinq import sum as plinq_sum


def main() -> None:
    runner = pyperf.Runner()
    runner.metadata["description"] = "Sum of 0..999,999: sum(range) vs a 2-process Pool over ranges"
    runner.bench_func("sequential sum(range)", plinq_sum.sequential)
    # The pool is started once per worker process, so only the map (and its pickling) is timed.
    with context().Pool(2) as pool:
        runner.bench_func("pool of 2, ranges", plinq_sum.parallel_in, pool)


if __name__ == "__main__":
    main()
