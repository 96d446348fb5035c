namespace Parity.Examples.Infrastructure;

/// <summary>
/// Test harness for the Orleans grains of scale.cluster-map: named gates a grain call waits on, so
/// a test decides when calls finish instead of sleeping. State is per process: a gate opened in the
/// test's process never opens for a grain running in another silo's process.
/// </summary>
public static class GrainGates
{
    private static readonly Dictionary<string, (int Needed, int Inside, TaskCompletionSource Open)> Counted = [];
    private static readonly Dictionary<string, TaskCompletionSource> Named = [];
    private static readonly Dictionary<string, (int Now, int Max)> Trackers = [];

    /// <summary>A gate that opens once <paramref name="needed"/> calls are inside.</summary>
    public static void Create(string name, int needed)
    {
        lock (Counted)
        {
            Counted[name] = (needed, 0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    public static Task Enter(string name)
    {
        lock (Counted)
        {
            var (needed, inside, open) = Counted[name];
            Counted[name] = (needed, inside + 1, open);
            if (inside + 1 >= needed)
            {
                open.TrySetResult();
            }
            return open.Task.WaitAsync(Timeouts.Short);
        }
    }

    /// <summary>Waits (at most Timeouts.Long) until <see cref="Open"/> is called with this name in this process.</summary>
    public static Task WaitOpen(string name) => NamedGate(name).Task.WaitAsync(Timeouts.Long);

    public static void Open(string name) => NamedGate(name).TrySetResult();

    private static TaskCompletionSource NamedGate(string name)
    {
        lock (Named)
        {
            if (!Named.TryGetValue(name, out var gate))
            {
                Named[name] = gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            return gate;
        }
    }

    /// <summary>The most calls that were inside <paramref name="name"/>'s tracked section at once.</summary>
    public static int MaxOverlap(string name)
    {
        lock (Trackers)
        {
            return Trackers.GetValueOrDefault(name).Max;
        }
    }

    public static async Task<long> TrackAsync(string name, long x)
    {
        lock (Trackers)
        {
            var (now, max) = Trackers.GetValueOrDefault(name);
            Trackers[name] = (now + 1, Math.Max(max, now + 1));
        }
        await Task.Delay(5).ConfigureAwait(true); // a real wait: another call could run now, if the grain allowed it
        lock (Trackers)
        {
            var (now, max) = Trackers[name];
            Trackers[name] = (now - 1, max);
        }
        return x * x;
    }
}
