"""The thresholds the benchmark verdicts and targets are judged by: one place for the page
(parity.bench.targets) and the verdict test to read, so the two never disagree."""

# Targets on the page (a 2-core machine at rest).
IDEAL_FRACTION = 0.95  # Pool and PLINQ speed-up, as a fraction of one per worker
MIN_MAP_SECONDS = (
    0.1  # the CPU-bound map's shortest run (every core), so start and merge stay small
)
EVEN = 0.05  # two paths are "even" when their ratio is within this of 1
READ_VS_COPY = 0.5  # in-place read at least this fraction of memcpy's rate
IPC_SHARE = 0.6  # the fastest Python IPC path, as a fraction of its transport's limit
CALL_SECONDS = 1e-6  # one .NET static call from Python, at most
SPAN_SECONDS = {"python": 5e-6, "dotnet": 1e-6}  # one span recorded on a timeline, at most

# Speed verdicts of the catalog's claims: the ratio at which "faster" or "slower" holds.
PARALLEL_SUM_SPEEDUP = 1.1
SPAWN_VS_FORK = 2.0
SPAWN_VS_FORKSERVER = 1.5
SET_VS_CONTEXT_SPAWN = 1.25
MANAGER_VS_SHARED_MEMORY = 2.0
LIST_VS_NUMPY_COPY = 3.0
DOTNET_VS_PYTHON_CALL = 2.0
BRIDGE_PLINQ_SPEEDUP = 1.3
