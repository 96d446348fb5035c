namespace Parity.Examples.Infrastructure;

/// <summary>
/// Counts how many bodies are inside at once, and the most ever seen: a bound measured, not
/// assumed. When the run records a timeline (--trace), each stay inside is a span named for the
/// meter, on a lane of its own ("name #1", "name #2", ...: an async body may leave on another
/// thread than it entered on), begun and ended under one lock, so the most spans at one instant
/// in the trace is exactly the most the meter counted.
/// </summary>
public sealed class ConcurrencyMeter(string name = "inside")
{
    private static int _meters;
    private readonly int _id = Interlocked.Increment(ref _meters);
    private readonly Lock _gate = new();
    private readonly AsyncLocal<int> _lane = new(); // the caller's lane, from Enter to its Exit
    private readonly List<bool> _lanes = [];
    private int _current;
    private int _max;

    public string Name { get; } = name;

    public int Max => Volatile.Read(ref _max);

    /// <summary>How many are inside right now.</summary>
    public int Current => Volatile.Read(ref _current);

    /// <summary>Counts the caller in; returns how many are inside now, the caller included.</summary>
    public int Enter()
    {
        if (TraceRecorder.Current is { } trace)
        {
            lock (_gate)
            {
                var lane = _lanes.IndexOf(false) is var free and >= 0 ? free : _lanes.Count;
                if (lane == _lanes.Count)
                {
                    _lanes.Add(false);
                }
                _lanes[lane] = true;
                _lane.Value = lane;
                trace.BeginOn(Track(lane), $"{Name} #{lane + 1}", Name, "section");
                return Raise();
            }
        }
        return Raise();
    }

    private int Raise()
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }
        return now;
    }

    public void Exit()
    {
        if (TraceRecorder.Current is { } trace)
        {
            lock (_gate)
            {
                var lane = _lane.Value;
                _lanes[lane] = false;
                trace.EndOn(Track(lane));
                Interlocked.Decrement(ref _current);
                return;
            }
        }
        Interlocked.Decrement(ref _current);
    }

    private long Track(int lane) => TraceRecorder.FirstLaneTid + (_id * 1024L) + lane;

    public void Measure(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Enter();
        try
        {
            body();
        }
        finally
        {
            Exit();
        }
    }

    public async Task MeasureAsync(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Enter();
        try
        {
            await body().ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }
}
