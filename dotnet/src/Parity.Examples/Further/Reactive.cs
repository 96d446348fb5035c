using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>
/// further.reactive: Rx.NET (the System.Reactive package, never part of .NET itself). A cold
/// observable runs its producer once per subscriber; a hot one (a Subject) runs once and a late
/// subscriber misses what came before. Buffer groups by count; Throttle (a debounce) and Sample
/// group by time, shown here on a HistoricalScheduler so the clock is virtual and the output
/// exact. Merge completes when every source has, and fails as soon as any source fails; after
/// OnError nothing more is delivered.
/// </summary>
[Concept("further.reactive")]
public static class Reactive
{
    // <cold-hot>
    /// <summary>Two subscribers to a cold source: the producer runs for each of them.</summary>
    public static (List<int> First, List<int> Second, int ProducerRuns) Cold()
    {
        var runs = 0;
        var cold = Observable.Create<int>(observer =>
        {
            runs++;
            for (var i = 1; i <= 3; i++)
            {
                observer.OnNext(i);
            }
            observer.OnCompleted();
            return () => { };
        });
        var (first, second) = (new List<int>(), new List<int>());
        using (cold.Subscribe(first.Add))
        using (cold.Subscribe(second.Add))
        {
            return (first, second, runs);
        }
    }

    /// <summary>A hot source: a late subscriber sees only what is pushed after it joined.</summary>
    public static (List<int> Early, List<int> Late) Hot()
    {
        using var hot = new Subject<int>();
        var (early, late) = (new List<int>(), new List<int>());
        using var a = hot.Subscribe(early.Add);
        hot.OnNext(1);
        hot.OnNext(2);
        using var b = hot.Subscribe(late.Add);
        hot.OnNext(3);
        hot.OnCompleted();
        return (early, late);
    }
    // </cold-hot>

    // <operators>
    public static List<string> Buffer(int count, params int[] values)
    {
        var seen = new List<string>();
        using var _ = values.ToObservable().Buffer(count)
            .Subscribe(b => seen.Add($"[{string.Join(", ", b)}]"));
        return seen;
    }

    /// <summary>
    /// Pushes each (at ms, value) on a virtual clock, applies <paramref name="op"/>, and returns
    /// "value@ms" for each output: the exact times Throttle and Sample emit.
    /// </summary>
    public static List<string> OnVirtualTime(
        Func<IObservable<int>, IScheduler, IObservable<int>> op,
        int completeAtMs,
        params (int AtMs, int Value)[] events)
    {
        var clock = new HistoricalScheduler(DateTimeOffset.UnixEpoch); // virtual ms count from 0
        using var source = new Subject<int>();
        var seen = new List<string>();
        using var _ = op(source, clock).Subscribe(
            v => seen.Add($"{v}@{clock.Now.ToUnixTimeMilliseconds()}"),
            () => seen.Add($"completed@{clock.Now.ToUnixTimeMilliseconds()}"));
        foreach (var (at, value) in events)
        {
            clock.ScheduleAbsolute(
                DateTimeOffset.FromUnixTimeMilliseconds(at), () => source.OnNext(value));
        }
        clock.ScheduleAbsolute(
            DateTimeOffset.FromUnixTimeMilliseconds(completeAtMs), source.OnCompleted);
        clock.Start(); // runs every scheduled action in virtual-time order, with no real waiting
        return seen;
    }

    /// <summary>Sample by a ticker: a one-shot timer per tick (a periodic timer never lets a
    /// virtual clock finish).</summary>
    public static IObservable<int> SampleEvery(
        IObservable<int> source, IScheduler clock, int periodMs, int untilMs) =>
        source.Sample(Enumerable.Range(1, untilMs / periodMs)
            .Select(i => Observable.Timer(TimeSpan.FromMilliseconds(i * periodMs), clock))
            .Merge());

    /// <summary>Merges two hot sources and records every notification; <paramref name="fail"/>
    /// makes the second one fail.</summary>
    public static List<string> Merge(bool fail)
    {
        using var a = new Subject<int>();
        using var b = new Subject<int>();
        var seen = new List<string>();
        using var _ = a.Merge(b).Subscribe(
            v => seen.Add($"{v}"),
            e => seen.Add($"error: {e.Message}"),
            () => seen.Add("completed"));
        a.OnNext(1);
        b.OnNext(10);
        a.OnCompleted(); // not the end: b is still open
        seen.Add("(a completed)");
        if (fail)
        {
            b.OnError(new InvalidOperationException("b failed"));
        }
        b.OnNext(20); // after an error the merged stream delivers nothing more
        b.OnCompleted();
        return seen;
    }
    // </operators>

    // <run>
    public static Task RunAsync(ConceptContext ctx)
    {
        var (first, second, runs) = Cold();
        ctx.Out.WriteLine($"cold: first [{string.Join(", ", first)}], "
            + $"second [{string.Join(", ", second)}], producer ran {runs} times");
        var (early, late) = Hot();
        ctx.Out.WriteLine(
            $"hot:  early [{string.Join(", ", early)}], late [{string.Join(", ", late)}]");
        ctx.Out.WriteLine($"Buffer(3) of 1..7: {string.Join(" ", Buffer(3, 1, 2, 3, 4, 5, 6, 7))}");
        (int, int)[] burst = [(0, 1), (100, 2), (200, 3), (800, 4), (900, 5)];
        ctx.Out.WriteLine($"events 1@0 2@100 3@200 4@800 5@900, end@1500 (virtual ms)");
        var throttled =
            OnVirtualTime((s, c) => s.Throttle(TimeSpan.FromMilliseconds(300), c), 1500, burst);
        ctx.Out.WriteLine($"  Throttle(300 ms): {string.Join(" ", throttled)}");
        var sampled = OnVirtualTime((s, c) => SampleEvery(s, c, 500, 1500), 1500, burst);
        ctx.Out.WriteLine($"  Sample(500 ms):   {string.Join(" ", sampled)}");
        ctx.Out.WriteLine($"Merge, both complete: {string.Join(", ", Merge(fail: false))}");
        ctx.Out.WriteLine($"Merge, b fails:       {string.Join(", ", Merge(fail: true))}");
        return Task.CompletedTask;
    }
    // </run>
}
