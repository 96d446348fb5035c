"""`invoke bench`: the same workloads in Python (pyperf) and .NET (BenchmarkDotNet), one run.

plan.py     the sizes and the order of the run (quick and full), shared with .NET through variables
workloads.py the Python workloads, a pyperf script run once per group
sink.py     the child of the IPC workload's raw limits (OS pipe, socketpair)
keepalive.py the fan-out's pooled HTTP/1.1 client (keep-alive connections, asyncio streams)
article.py  the article's own programs, timed whole
run.py      runs both harnesses group by group, interleaved, and merges their results
report.py   the JSON report -> comparisons/benchmarks.md, its plots and the targets
regressions.py a run's ratios against the committed run's: a warning for each that moved over 30%
"""
