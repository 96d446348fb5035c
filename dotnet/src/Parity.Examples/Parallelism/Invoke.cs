using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Parallelism;

/// <summary>
/// parallel.invoke: Parallel.Invoke runs several actions at once and returns when all of them
/// have returned. It is for blocking or CPU-bound actions. Given lambdas that return a Task
/// (<c>() =&gt; Task.Delay(...)</c>), it discards the tasks and returns at once: the waiting
/// belongs to Task.WhenAll. A cancelled token stops it before any action starts.
/// </summary>
[Concept("parallel.invoke")]
public static class Invoke
{
    // <invoke>
    /// <summary>Blocking actions side by side: the call returns when the last one has.</summary>
    public static void Blocking(CancellationToken token, params Action[] actions) =>
        Parallel.Invoke(new ParallelOptions { CancellationToken = token }, actions);

    /// <summary>Sleeps side by side: the call takes as long as the longest one.</summary>
    public static void Blocking(CancellationToken token, params TimeSpan[] durations) =>
        Blocking(token, [.. durations.Select(d => new Action(() => Thread.Sleep(d)))]);

    /// <summary>PLINQ's counterpart: ForAll over the actions themselves.</summary>
    public static void WithPlinq(CancellationToken token, params Action[] actions) =>
        actions.AsParallel().WithDegreeOfParallelism(actions.Length).WithCancellation(token)
            .ForAll(action => action());
    // </invoke>

    // <trap>
    /// <summary>The article's form: each lambda returns a Task that Parallel.Invoke throws
    /// away.</summary>
    public static void ArticleForm(TimeSpan first, TimeSpan second) =>
        Parallel.Invoke(() => Task.Delay(first), () => Task.Delay(second));

    /// <summary>The same trap for any async work: Invoke returns once every task has been
    /// STARTED.</summary>
    public static void Discarding(params Func<Task>[] work) =>
        Parallel.Invoke([.. work.Select(w => new Action(() => w()))]);

    /// <summary>The fix: start the tasks, then await them all.</summary>
    public static Task Awaiting(params Func<Task>[] work) => Task.WhenAll(work.Select(w => w()));
    // </trap>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        // The article's durations: 3 s and 2 s.
        var (first, second) = (ctx.Seconds(3), ctx.Seconds(2));
        var token = ctx.CancellationToken;
        var watch = Stopwatch.StartNew();
        await Task.Run(() => ArticleForm(first, second), token).ConfigureAwait(false);
        ctx.Out.WriteLine("Parallel.Invoke(() => Task.Delay(3 s), () => Task.Delay(2 s)): "
            + Line($"returned after {watch.Elapsed.TotalSeconds:0.000} s (nothing waited)"));

        watch.Restart();
        await Awaiting(() => Task.Delay(first, token), () => Task.Delay(second, token))
            .ConfigureAwait(false);
        ctx.Out.WriteLine("Task.WhenAll(Task.Delay(3 s), Task.Delay(2 s)):               "
            + Line($"{watch.Elapsed.TotalSeconds:0.000} s ")
            + Line($"(the longest, {first.TotalSeconds:0.###} s)"));

        watch.Restart();
        await Task.Run(() => Blocking(token, first, second), token).ConfigureAwait(false);
        ctx.Out.WriteLine("Parallel.Invoke(Thread.Sleep(3 s), Thread.Sleep(2 s)):         "
            + Line($"{watch.Elapsed.TotalSeconds:0.000} s (blocking actions are waited for)"));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);
        var started = 0;
        try
        {
            Parallel.Invoke(new ParallelOptions { CancellationToken = cancelled.Token },
                () => Interlocked.Increment(ref started), () => Interlocked.Increment(ref started));
        }
        catch (OperationCanceledException ex)
        {
            ctx.Out.WriteLine(
                $"cancelled token: {ex.GetType().Name}: {ex.Message} ({started} actions started)");
        }
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    // </run>
}
