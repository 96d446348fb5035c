using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.progress: report progress from the work to the caller with IProgress&lt;T&gt; (the article
/// leaves it as homework). Progress&lt;T&gt; posts every report to the SynchronizationContext it
/// was created on: under a UI, the handler runs on the UI thread. A console app has none, so each
/// report is a thread-pool work item: handlers may overlap, run out of order, after the work ended.
/// A synchronous IProgress&lt;T&gt; calls the handler inline: all handled, in order, at return.
/// </summary>
[Concept("task.progress")]
public static class Progress
{
    // <report>
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
    public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value); // inline: in order, done when Report returns
    }
    // </synchronous-progress>
    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var (perPage, token) = (ctx.Seconds(0.1), ctx.CancellationToken);
        // Progress<T> made with no context (on a pool thread): each report is a pool work item.
        var arrived = Channel.CreateUnbounded<int>();
        var progress = await Task.Run(() => new Progress<int>(v => arrived.Writer.TryWrite(v)));
        var pages = await DownloadPagesAsync(5, perPage, progress, token);
        var atReturn = arrived.Reader.Count;
        var order = await arrived.Reader.ReadAllAsync(token).Take(5).ToListAsync(token)
            .AsTask().WaitAsync(Timeouts.Short, token);
        ctx.Out.WriteLine($"Progress<T>, no context: {pages} pages; {atReturn} of 5 reports had "
            + $"arrived when the await returned; order {string.Join(", ", order)}");

        // The same with a synchronous IProgress<T>: nothing can lag behind.
        var seen = new List<int>();
        pages = await DownloadPagesAsync(5, perPage, new SynchronousProgress<int>(seen.Add), token);
        ctx.Out.WriteLine($"SynchronousProgress<T>: {pages} pages; {seen.Count} of 5 reports at "
            + $"return, in order: {string.Join(", ", seen)}");

        // Under a UI-like context Progress<T> runs the handler on the context's thread.
        using var ui = new SingleThreadSynchronizationContext("ui");
        var handled = Channel.CreateUnbounded<bool>(); // for each report: on the ui thread?
        await ui.RunAsync(() => DownloadPagesAsync(5, perPage, new Progress<int>(value =>
        {
            var here = Environment.CurrentManagedThreadId == ui.ThreadId;
            var bar = new string('#', value / 20);
            ctx.Out.WriteLine($"  [{bar,-5}] {value,3}%  on the ui thread: {here}");
            handled.Writer.TryWrite(here);
        }), token)).WaitAsync(Timeouts.Short, token);
        var onUi = await handled.Reader.ReadAllAsync(token).Take(5).AllAsync(here => here, token)
            .AsTask().WaitAsync(Timeouts.Short, token);
        ctx.Out.WriteLine(
            $"Progress<T> under a UI context: every handler ran on the ui thread: {onUi}");
    }
    // </run>
}
