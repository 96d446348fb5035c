namespace Parity.Examples.Tests;

/// <summary>
/// Lower bounds on waits. A timer can fire up to one clock tick early as a Stopwatch sees it
/// (15.6 ms on Windows by default, because timers are due by a coarse tick count), and the tick
/// count may be one tick stale when the wait starts: two ticks of slack per timer. Load only makes
/// waits longer, so these bounds hold on a busy machine; nothing here bounds a wait from above.
/// </summary>
internal static class TimerSlack
{
    public static readonly TimeSpan PerTimer = TimeSpan.FromMilliseconds(32);

    /// <summary>Asserts that <paramref name="elapsed"/> covers <paramref name="wait"/>, made of <paramref name="timers"/> timers in a row.</summary>
    public static void AssertWaited(TimeSpan elapsed, TimeSpan wait, int timers = 1) =>
        Assert.True(elapsed >= wait - (PerTimer * timers), $"waited only {elapsed.TotalMilliseconds:F1} ms of {wait.TotalMilliseconds:F1} ms");
}
