using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.progress: report progress from the work to the caller with IProgress&lt;T&gt; (the article
/// leaves it as homework). Progress&lt;T&gt; posts every report to the SynchronizationContext it was
/// created on, which is what a UI wants: the handler runs on the UI thread. A console app has no
/// context, so each report becomes a thread-pool work item: handlers may run concurrently, out of
/// order, and after the work has finished. When the caller needs every report, in order, by the
/// time the await returns, a synchronous IProgress&lt;T&gt; that calls the handler inline does it.
/// </summary>
[Concept("task.progress")]
public static class Progress
{
    // <report>
    /// <summary>Pretends to download <paramref name="pages"/> pages; reports the percentage done
    /// after each one.</summary>
    public static async Task<int> DownloadPagesAsync(
        int pages, TimeSpan perPage, IProgress<int>? progress, CancellationToken token)
    {
        for (var page = 1; page <= pages; page++)
        {
            await Task.Delay(perPage, token);
            progress?.Report(page * 100 / pages);
        }
        return pages;
    }
    // </report>

    // <synchronous-progress>
    /// <summary>Calls the handler inline, on the reporting thread: in order, and done before
    /// Report returns.</summary>
    public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
    // </synchronous-progress>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var perPage = ctx.Seconds(0.1);

        // Progress<T> with no context (Task.Run leaves any host's context behind): pool work items.
        var arrived = new ConcurrentQueue<int>();
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (atReturn, pages) = await Task.Run(async () =>
        {
            var progress = new Progress<int>(value =>
            {
                arrived.Enqueue(value);
                if (arrived.Count == 5)
                {
                    last.TrySetResult();
                }
            });
            var pages = await DownloadPagesAsync(5, perPage, progress, ctx.CancellationToken);
            return (arrived.Count, pages);
        });
        await last.Task.WaitAsync(Timeouts.Short, ctx.CancellationToken);
        ctx.Out.WriteLine($"Progress<T>, no context: {pages} pages; {atReturn} of 5 reports had "
            + $"arrived when the await returned; order {string.Join(", ", arrived)}");

        // The same with a synchronous IProgress<T>: nothing can lag behind.
        var inline = new List<int>();
        var synchronous = new SynchronousProgress<int>(inline.Add);
        pages = await DownloadPagesAsync(5, perPage, synchronous, ctx.CancellationToken);
        ctx.Out.WriteLine($"SynchronousProgress<T>: {pages} pages; {inline.Count} of 5 reports at "
            + $"return, in order: {string.Join(", ", inline)}");

        // Under a UI-like context Progress<T> runs the handler on the context's thread.
        using var ui = new SingleThreadSynchronizationContext("ui");
        var threads = new ConcurrentBag<int>();
        var drawn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await ui.RunAsync(async () =>
        {
            var progress = new Progress<int>(value =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                var onUi = Environment.CurrentManagedThreadId == ui.ThreadId;
                var bar = new string('#', value / 20);
                ctx.Out.WriteLine($"  [{bar,-5}] {value,3}%  on the ui thread: {onUi}");
                if (value == 100)
                {
                    drawn.TrySetResult();
                }
            });
            return await DownloadPagesAsync(5, perPage, progress, ctx.CancellationToken);
        }).WaitAsync(Timeouts.Short, ctx.CancellationToken);
        await drawn.Task.WaitAsync(Timeouts.Short, ctx.CancellationToken);
        var allOnUi = threads.All(t => t == ui.ThreadId);
        ctx.Out.WriteLine(
            $"Progress<T> under a UI context: every handler ran on the ui thread: {allOnUi}");
    }
    // </run>
}
