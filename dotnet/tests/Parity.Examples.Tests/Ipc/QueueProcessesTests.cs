using Parity.Examples.Infrastructure;
using Parity.Examples.Ipc;

namespace Parity.Examples.Tests.Ipc;

public sealed class QueueProcessesTests
{
    [Fact]
    public async Task RetryUntil_NoMessage_SleepsTwoFourSixSeconds()
    {
        var slept = new List<double>();
        var attempt = await QueueProcesses.RetryUntilAsync(
            () => false, QueueProcesses.ArticleDelays().Select(TimeSpan.FromSeconds), d => { slept.Add(d.TotalSeconds); return Task.CompletedTask; });

        Assert.Null(attempt);
        Assert.Equal([2.0, 4.0, 6.0], slept);
    }

    [Fact]
    public async Task RetryUntil_ReplyAtFourSeconds_IsSeenAtTheThirdCheckAtSixSeconds()
    {
        var now = 0.0;
        var attempt = await QueueProcesses.RetryUntilAsync(
            () => now >= QueueProcesses.FriendDelaySeconds, QueueProcesses.ArticleDelays().Select(TimeSpan.FromSeconds), d => { now += d.TotalSeconds; return Task.CompletedTask; });

        Assert.Equal(3, attempt);
        Assert.Equal(6.0, now);
    }

    [Fact]
    public async Task LoneTalker_OnOneSharedChannel_TakesItsOwnQuestionBack()
    {
        var ctx = Ctx.Create(out _);
        Assert.Equal(QueueProcesses.Question, await QueueProcesses.LoneTalkerAsync(ctx));
    }

    [Fact]
    public async Task Converse_TwoChannels_EachHearsTheOther()
    {
        var ctx = Ctx.Create(out _);
        var (heardByTalker, heardByFriend, elapsed) = await QueueProcesses.ConverseAsync(ctx, Timeouts.Short);

        Assert.Equal(QueueProcesses.Answer, heardByTalker);
        Assert.Equal(QueueProcesses.Question, heardByFriend);
        TimerSlack.AssertWaited(elapsed, ctx.Seconds(QueueProcesses.FriendDelaySeconds));
    }
}
