using Parity.Examples.Shared;

namespace Parity.Examples.Tests.Shared;

public sealed class RaceTests
{
    // Enough work that the lined-up threads overlap for a long while; only the bound is asserted.
    internal const int Many = 200_000;

    [Fact]
    public void Unlocked_ManyIncrements_NeverExceedsTheIdeal()
    {
        var total = Race.Count(Race.AddUnlocked, iterations: Many);
        Assert.InRange(total, 1, Race.Workers * Many);
    }

    [Fact]
    public void StepByStep_ReadPauseWriteUnlocked_LosesOneIncrement()
    {
        var (total, otherReadDuringPause) = Race.LostUpdateStepByStep(locked: false);
        Assert.True(otherReadDuringPause);
        Assert.Equal(1, total);
    }

    [Fact]
    public void StepByStep_LockHeldAcrossReadAndWrite_KeepsBoth()
    {
        var (total, otherReadDuringPause) = Race.LostUpdateStepByStep(locked: true);
        Assert.False(otherReadDuringPause);
        Assert.Equal(2, total);
    }

    [Fact]
    public void Locked_ManyIncrements_IsExact()
    {
        Assert.Equal(Race.Workers * Many, Race.Count(Race.AddInterlocked, iterations: Many));
        Assert.Equal(Race.Workers * Many, Race.Count(Race.AddWithLock, iterations: Many));
    }

    [Fact]
    public async Task Run_ArticleNumbers_LockedLinesShow5000()
    {
        var text = await Ctx.RunAsync(Race.RunAsync);
        Assert.Contains("Interlocked.Increment:      5000", text, StringComparison.Ordinal);
        Assert.Contains("lock (gate) { counter++ }:  5000", text, StringComparison.Ordinal);
    }
}
