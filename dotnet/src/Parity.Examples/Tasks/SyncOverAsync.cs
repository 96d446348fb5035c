using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.sync-over-async: blocking on async code (.Result, .Wait()) from a thread that owns a
/// single-threaded SynchronizationContext deadlocks. The blocked thread waits for the task; the
/// task waits to post its continuation to that same thread. Here the block is a Wait(timeout), so
/// the deadlock shows up as "false" and then clears up by itself. The fixes: await instead of
/// blocking (async all the way), or ConfigureAwait(false) inside the library so it never needs
/// the context. With no context (console apps) the same .Result does not deadlock, but it still
/// ties up a pool thread. Also here: async void, the other way to lose control of a task.
/// </summary>
[Concept("task.sync-over-async")]
public static class SyncOverAsync
{
    // <library>
    /// <summary>A library method that resumes on the caller's context.</summary>
    public static async Task<string> LibraryCallAsync(TimeSpan delay)
    {
        await Task.Delay(delay);
        return "done";
    }

    /// <summary>The same library method, written to never need the caller's context.</summary>
    public static async Task<string> LibraryCallWithoutContextAsync(TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        return "done";
    }
    // </library>

    // <block>
    /// <summary>Blocks the context's own thread on <paramref name="call"/>, as .Result would,
    /// but only for <paramref name="timeout"/>.</summary>
    public static async Task<(bool Finished, Task<string> Call)> BlockOnContextThreadAsync(
        SingleThreadSynchronizationContext ui, Func<Task<string>> call, TimeSpan timeout)
    {
        Task<string>? started = null;
        var finished = await ui.Run(() =>
        {
            started = call();
            return started.Wait(timeout); // .Result without a limit would never come back
        });
        return (finished, started!);
    }
    // </block>

    // <fire-and-forget>
    /// <summary>Returns nothing to wait on: its exception goes to the SynchronizationContext, or
    /// crashes the process. Deliberately async void: the anti-pattern shown.</summary>
    public static async void FailLater(TimeSpan delay)
    {
        await Task.Delay(delay);
        throw new InvalidOperationException("async void failed");
    }
    // </fire-and-forget>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var delay = ctx.Seconds(0.1);
        var patience = ctx.Seconds(1);
        var limit = Timeouts.Short;
        using var ui = new SingleThreadSynchronizationContext("ui");

        var token = ctx.CancellationToken;
        var (finished, call) = await BlockOnContextThreadAsync(
            ui, () => LibraryCallAsync(delay), patience).WaitAsync(limit, token);
        ctx.Out.WriteLine("blocking the ui thread on LibraryCallAsync: finished within "
            + $"{patience.TotalSeconds:F2} s? {finished} (deadlock)");
        var completed = await call.WaitAsync(limit, token);
        ctx.Out.WriteLine($"  once the thread stopped waiting, the call completed: '{completed}'");

        (finished, call) = await BlockOnContextThreadAsync(
            ui, () => LibraryCallWithoutContextAsync(delay), patience).WaitAsync(limit, token);
        ctx.Out.WriteLine(
            $"fix 1, ConfigureAwait(false) in the library: finished? {finished}, '{call.Result}'");

        var result = await ui.RunAsync(async () => await LibraryCallAsync(delay))
            .WaitAsync(limit, token);
        ctx.Out.WriteLine($"fix 2, await on the ui thread (async all the way): '{result}'");

        result = await Task.Run(() => LibraryCallAsync(delay).Result).WaitAsync(limit, token);
        ctx.Out.WriteLine(
            $"no context (console): .Result returns '{result}', at the cost of a blocked pool thread");

        var caught = await ui.Run(() =>
        {
            try
            {
                FailLater(delay);
                return false;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        });
        SpinWait.SpinUntil(() => ui.UnhandledExceptions.Count > 0, limit);
        var got = ui.UnhandledExceptions.FirstOrDefault()?.Message;
        ctx.Out.WriteLine(
            $"async void under the ui context: caller caught it? {caught}; the context got: {got}");

        var crash = await RunChildAsync(ctx.Seconds(0.1), limit, token);
        ctx.Out.WriteLine("async void in a console app: the process died with exit code "
            + $"{crash.ExitCode}; stderr: {crash.FirstErrorLine}");
    }
    // </run>

    public sealed record ChildResult(int ExitCode, string Output, string FirstErrorLine);

    /// <summary>Starts a child copy of the program that calls an async void method which throws.</summary>
    public static async Task<ChildResult> RunChildAsync(TimeSpan delay, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var child = await SelfLauncher.RunAsync(
            "task.sync-over-async", [delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)],
            timeout, cancellationToken);
        var firstError = child.Error.Split('\n').FirstOrDefault(l => l.Length > 0)?.Trim() ?? string.Empty;
        return new ChildResult(child.ExitCode, child.Output, firstError);
    }

    // <child>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var delay = TimeSpan.FromSeconds(double.Parse(args[0], CultureInfo.InvariantCulture));
        try
        {
            FailLater(delay); // returns at its first await: nothing to catch here
        }
        catch (InvalidOperationException)
        {
            ctx.Out.WriteLine("[child] caught it");
        }
        ctx.Out.WriteLine("[child] async void started; waiting");
        await Task.Delay(TimeSpan.FromSeconds(10), ctx.CancellationToken); // the exception wins
        ctx.Out.WriteLine("[child] still alive");
        return 0;
    }
    // </child>
}
