namespace Parity.Examples.Infrastructure;

/// <summary>Counts how many bodies are inside at once, and the most ever seen: a bound measured, not assumed.</summary>
public sealed class ConcurrencyMeter
{
    private int _current;
    private int _max;

    public int Max => Volatile.Read(ref _max);

    /// <summary>How many are inside right now.</summary>
    public int Current => Volatile.Read(ref _current);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _current);

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
