namespace Parity.Examples.Shared;

/// <summary>
/// Runs the same body on several dedicated threads that a barrier releases together, so they
/// really overlap (the race demos need that), and joins them all within one deadline.
/// </summary>
internal static class LinedUpThreads
{
    public static void Run(int workers, Action body, TimeSpan timeout)
    {
        // Not disposed on a time-out: a worker may still be waiting on it.
        var startLine = new Barrier(workers);
        var threads = Enumerable.Range(0, workers)
            .Select(_ => new Thread(() =>
            {
                if (startLine.SignalAndWait(timeout))
                {
                    body();
                }
            })
            { IsBackground = true })
            .ToList();
        threads.ForEach(t => t.Start());
        // The equivalent of join(timeout) for every child.
        var deadline = DateTime.UtcNow + timeout;
        if (!threads.All(t => t.Join(Max(deadline - DateTime.UtcNow, TimeSpan.Zero))))
        {
            throw new TimeoutException($"the workers did not finish within {timeout}");
        }
        startLine.Dispose();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
