using Parity.Examples.Fault;

namespace Parity.Examples.Tests.Fault;

public sealed class RecyclingTests
{
    [Fact]
    public async Task InProcess_SixTasks_OneProcessAndTheLeakOnlyGrows()
    {
        var runs = await Recycling.InProcessAsync();
        Assert.Equal([Environment.ProcessId], runs.Select(r => r.Pid).Distinct());
        Assert.Equal([1, 2, 3, 4, 5, 6], runs.Select(r => r.Held));
    }

    [Fact]
    public async Task ChildPerBatch_TwoTasksPerChild_ThreeProcessesAndTheLeakStartsOver()
    {
        var runs = await Recycling.ChildPerBatchAsync(2, CancellationToken.None);
        Assert.Equal([1, 2, 1, 2, 1, 2], runs.Select(r => r.Held));
        var pids = runs.Select(r => r.Pid).ToArray();
        Assert.Equal(3, pids.Distinct().Count());
        Assert.True(pids[0] == pids[1] && pids[2] == pids[3] && pids[4] == pids[5]);
        Assert.DoesNotContain(Environment.ProcessId, pids);
    }
}
