using System.Runtime.InteropServices;
using System.Threading.Tasks.Dataflow;
using Parity.Examples.Further;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Further;

public sealed class DataflowTests
{
    [Fact]
    public async Task Pipeline_SlowFirstItemInParallel_KeepsInputOrder()
    {
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<int>();
        var (head, tail) = Dataflow.Build(async n =>
        {
            if (n == 1)
            {
                await secondDone.Task; // item 1 finishes only after item 2 has been transformed
            }
            else
            {
                secondDone.SetResult();
            }
            return n;
        }, order.Add, parallelism: 2, capacity: 4);
        await Dataflow.RunAsync(head, tail, [1, 2]).WaitAsync(Timeouts.Short);
        Assert.Equal([1, 2], order); // asyncio workers give [2, 1]
    }

    [Fact]
    public async Task Head_Full_PostRefusesAndSendAsyncWaits()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (head, tail) = Dataflow.Build(async n => { await gate.Task; return n; }, _ => { }, parallelism: 1, capacity: 2);
        Assert.True(head.Post(1));
        Assert.True(head.Post(2));
        Assert.False(head.Post(3)); // two items held: the block refuses a third
        var send = head.SendAsync(3);
        Assert.False(send.IsCompleted); // waits for room
        gate.SetResult();
        Assert.True(await send.WaitAsync(Timeouts.Short));
        head.Complete();
        await tail.Completion.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Transform_MaxDegreeOfParallelismTwo_OthersWaitInTheInputQueue()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new ConcurrencyMeter();
        var (head, tail) = Dataflow.Build(async n =>
        {
            await inFlight.MeasureAsync(() => gate.Task); // holds no thread: uncapped, all six start
            return n;
        }, _ => { }, parallelism: 2, capacity: 10);
        for (var i = 0; i < 6; i++)
        {
            Assert.True(head.Post(i));
        }
        Assert.True(SpinWait.SpinUntil(() => inFlight.Current == 2 && head.InputCount == 4, Timeouts.Short));
        gate.SetResult();
        head.Complete();
        await tail.Completion.WaitAsync(Timeouts.Short);
        Assert.Equal(2, inFlight.Max);
    }

    [Fact]
    public async Task Pipeline_OneItemThrows_FaultsBothBlocksAndDeclinesLaterItems()
    {
        var seen = new List<int>();
        var (head, tail) = Dataflow.Build(n => n == 3 ? throw new InvalidOperationException($"item {n} is bad") : Task.FromResult(n * 10), seen.Add, parallelism: 1, capacity: 2);
        var error = await Assert.ThrowsAsync<AggregateException>(() => Dataflow.RunAsync(head, tail, Enumerable.Range(1, 8)).WaitAsync(Timeouts.Short));
        var inner = Assert.IsType<InvalidOperationException>(Assert.Single(error.Flatten().InnerExceptions));
        Assert.Equal("item 3 is bad", inner.Message);
        Assert.Equal(TaskStatus.Faulted, head.Completion.Status);
        Assert.Equal(TaskStatus.Faulted, tail.Completion.Status);
        Assert.False(head.Post(9));
        int[] beforeTheBadOne = [10, 20];
        Assert.Equal(beforeTheBadOne.Take(seen.Count), seen); // only items before the bad one, in order
    }

    [Fact]
    public async Task Link_WithoutPropagateCompletion_TailNeverHearsOfTheFault()
    {
        var (head, tail) = Dataflow.Build(_ => Task.FromException<int>(new InvalidOperationException("bad")), _ => { }, parallelism: 1, capacity: 2, propagate: false);
        head.Post(1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => head.Completion.WaitAsync(Timeouts.Short));
        Assert.False(tail.Completion.IsCompleted); // nothing will ever complete it
        tail.Complete();
        await tail.Completion.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public void Dataflow_OnNet10_ComesFromTheSharedFrameworkByMicrosoft()
    {
        var assembly = typeof(TransformBlock<,>).Assembly;
        Assert.Equal("System.Threading.Tasks.Dataflow", assembly.GetName().Name);
        Assert.StartsWith(RuntimeEnvironment.GetRuntimeDirectory(), assembly.Location, StringComparison.Ordinal);
        Assert.Equal("Microsoft Corporation", Company(assembly));
    }

    internal static string? Company(System.Reflection.Assembly assembly) =>
        assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyCompanyAttribute), false).Cast<System.Reflection.AssemblyCompanyAttribute>().SingleOrDefault()?.Company;

}
