using System.Diagnostics;
using Parity.Examples.Infrastructure;
using static System.FormattableString;

namespace Parity.Examples.Parallelism;

/// <summary>
/// parallel.invoke: Parallel.Invoke runs blocking or CPU-bound actions at once and returns when
/// all have returned. Given lambdas that return a Task (<c>() =&gt; Task.Delay(...)</c>), it drops
/// the tasks and returns at once (Task.WhenAll waits). A cancelled token stops it before it starts.
/// </summary>
[Concept("parallel.invoke")]
public static class Invoke
{
    // <invoke>
    /// <summary>Blocking actions side by side: the call returns when the last one has.</summary>
    public static void Blocking(CancellationToken token, params Action[] actions) =>
        Parallel.Invoke(new ParallelOptions { CancellationToken = token }, actions);

    /// <summary>PLINQ's counterpart: ForAll over the actions themselves.</summary>
    public static void WithPlinq(CancellationToken token, params Action[] actions) =>
        actions.AsParallel().WithDegreeOfParallelism(actions.Length).WithCancellation(token)
            .ForAll(action => action());
    // </invoke>
    // <trap>
    /// <summary>The article's form: the Task each lambda returns is thrown away.</summary>
    public static void ArticleForm(TimeSpan first, TimeSpan second) =>
        Parallel.Invoke(() => Task.Delay(first), () => Task.Delay(second));

    /// <summary>The same trap for any async work: it returns once every task has STARTED.</summary>
    public static void Discarding(params Func<Task>[] work) =>
        Parallel.Invoke([.. work.Select(w => new Action(() => w()))]);

    /// <summary>The fix: start the tasks, then await them all.</summary>
    public static Task Awaiting(params Func<Task>[] work) => Task.WhenAll(work.Select(w => w()));
    // </trap>
    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var (first, second, token) = (ctx.Seconds(3), ctx.Seconds(2), ctx.CancellationToken);
        var watch = Stopwatch.StartNew();
        string Took() => Invariant($"{watch.Elapsed.TotalSeconds:0.000} s");
        ArticleForm(first, second);
        ctx.Out.WriteLine("Parallel.Invoke(() => Task.Delay(3 s), () => Task.Delay(2 s)): "
            + $"returned after {Took()} (nothing waited)");

        watch.Restart();
        await Awaiting(() => Task.Delay(first, token), () => Task.Delay(second, token));
        ctx.Out.WriteLine("Task.WhenAll(Task.Delay(3 s), Task.Delay(2 s)):               " + Took()
            + Invariant($" (the longest, {first.TotalSeconds:0.###} s)"));

        watch.Restart();
        Blocking(token, () => Thread.Sleep(first), () => Thread.Sleep(second));
        ctx.Out.WriteLine("Parallel.Invoke(Thread.Sleep(3 s), Thread.Sleep(2 s)):         "
            + $"{Took()} (blocking actions are waited for)");

        var started = 0;
        try
        {
            Blocking(new CancellationToken(canceled: true),
                () => Interlocked.Increment(ref started), () => Interlocked.Increment(ref started));
        }
        catch (OperationCanceledException ex)
        {
            ctx.Out.WriteLine(
                $"cancelled token: {ex.GetType().Name}: {ex.Message} ({started} actions started)");
        }
    }
    // </run>
}
