using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class ProgressTests
{
    private static readonly int[] All = [20, 40, 60, 80, 100];
    private static readonly TimeSpan PerPage = TimeSpan.FromMilliseconds(2);

    private static void WaitUntil(Func<bool> condition) =>
        Assert.True(SpinWait.SpinUntil(condition, Timeouts.Short), "timed out waiting for the reports");

    [Fact]
    public async Task ProgressT_NoContextAndASlowHandler_ReportArrivesAfterCompletionAndOutOfOrder()
    {
        using var gate = new ManualResetEventSlim();
        var arrived = new ConcurrentQueue<int>();
        try
        {
            await Task.Run(async () => // no SynchronizationContext, as in a console app
            {
                var progress = new Progress<int>(value =>
                {
                    if (value == 20)
                    {
                        gate.Wait(Timeouts.Short); // the first handler is slow
                    }
                    arrived.Enqueue(value);
                });
                await Progress.DownloadPagesAsync(5, PerPage, progress, CancellationToken.None);
            }).WaitAsync(Timeouts.Short);
            // The work is done, yet its first report has not been handled: the handlers run on their own.
            WaitUntil(() => arrived.Count == 4);
            Assert.DoesNotContain(20, arrived);
        }
        finally
        {
            gate.Set();
        }
        WaitUntil(() => arrived.Count == 5);
        Assert.Equal(20, arrived.Last()); // first reported, last handled
    }

    [Fact]
    public async Task SynchronousProgress_EveryReport_HandledInOrderBeforeTheAwaitReturns()
    {
        var events = new List<string>();
        await Task.Run(async () =>
        {
            await Progress.DownloadPagesAsync(5, PerPage, new Progress.SynchronousProgress<int>(v => events.Add($"{v}")), CancellationToken.None);
            events.Add("returned");
        }).WaitAsync(Timeouts.Short);
        Assert.Equal([.. All.Select(v => $"{v}"), "returned"], events);
    }

    [Fact]
    public async Task ProgressT_UnderSingleThreadContext_RunsEveryHandlerOnTheContextThread()
    {
        using var ui = new SingleThreadSynchronizationContext("ui");
        var seen = new ConcurrentQueue<(int Value, int Thread)>();
        await ui.RunAsync(() => Progress.DownloadPagesAsync(5, PerPage,
            new Progress<int>(v => seen.Enqueue((v, Environment.CurrentManagedThreadId))), CancellationToken.None)).WaitAsync(Timeouts.Short);
        WaitUntil(() => seen.Count == 5);
        Assert.Equal(All, seen.Select(s => s.Value)); // one thread, a FIFO queue: in order
        Assert.All(seen, s => Assert.Equal(ui.ThreadId, s.Thread));
    }

    [Fact]
    public async Task Run_ShowsAllThreeWays()
    {
        var text = await Ctx.RunAsync(Progress.RunAsync);
        Assert.Contains("SynchronousProgress<T>: 5 pages; 5 of 5 reports at return, in order: 20, 40, 60, 80, 100", text, StringComparison.Ordinal);
        Assert.Contains("every handler ran on the ui thread: True", text, StringComparison.Ordinal);
        Assert.Matches(@"Progress<T>, no context: 5 pages; [0-5] of 5 reports", text);
    }
}
