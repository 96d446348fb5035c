using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Parity.Examples.Distributed;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Distributed;

public sealed class ManagerQueuesTests
{
    private static readonly TimeSpan EmptyQueueWait = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Exchange_TwoClientsSameKey_EachGetsTheOthersMessage()
    {
        var result = await ManagerQueues.ExchangeAsync(RandomNumberGenerator.GetBytes(32));

        Assert.Equal(ManagerQueues.Answer, result.ZhangReceived);
        Assert.Equal(ManagerQueues.Question, result.MingReceived);
    }

    [Fact]
    public async Task Server_Started_ListensOnLoopbackOnAPortTheOsPicked()
    {
        await using var server = new QueueServer(RandomNumberGenerator.GetBytes(32), ManagerQueues.Queues);

        Assert.Equal(IPAddress.Loopback, server.EndPoint.Address);
        Assert.NotEqual(0, server.EndPoint.Port);
    }

    [Fact]
    public async Task Connect_WrongKey_IsRefusedAndTheRightKeyStillWorks()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var server = new QueueServer(key, ManagerQueues.Queues);

        var refused = await Assert.ThrowsAsync<AuthenticationException>(
            () => QueueClient.ConnectAsync(server.EndPoint, RandomNumberGenerator.GetBytes(32)));
        Assert.Equal("digest sent was rejected", refused.Message);
        Assert.Equal(1, server.Refused);

        using var client = await QueueClient.ConnectAsync(server.EndPoint, key);
        await client.PutAsync("zhang", "still open");
        Assert.Equal("still open", await client.GetAsync("zhang", Timeouts.Short));
    }

    [Fact]
    public async Task Exchange_ClientWithAnotherKey_ReportsTheRefusal()
    {
        Assert.Equal("digest sent was rejected", (await ManagerQueues.ExchangeAsync(RandomNumberGenerator.GetBytes(32))).Refusal);
    }

    [Fact]
    public async Task Get_EmptyQueue_TimesOut()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var server = new QueueServer(key, ManagerQueues.Queues);
        using var client = await QueueClient.ConnectAsync(server.EndPoint, key);

        await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync("ming", EmptyQueueWait));
    }

    [Fact]
    public async Task Server_Disposed_RefusesNewConnections()
    {
        var server = new QueueServer(RandomNumberGenerator.GetBytes(32), ManagerQueues.Queues);
        var endPoint = server.EndPoint;
        await server.DisposeAsync();

        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(endPoint));
    }

    [Fact]
    public void AuthKey_NotConfigured_IsRandom32Bytes()
    {
        if (Environment.GetEnvironmentVariable(QueueKey.Variable) is { Length: > 0 })
        {
            return; // configured by whoever runs the tests: then it is theirs, not random
        }
        var first = QueueKey.FromEnvironment().Key;
        Assert.Equal(32, first.Length);
        Assert.NotEqual(first, QueueKey.FromEnvironment().Key);
    }

    [Fact]
    public async Task Run_PrintsTheExchangeAndTheRefusal()
    {
        var text = await Ctx.RunAsync(ManagerQueues.RunAsync);
        Assert.Contains($"zhang received: {ManagerQueues.Answer}", text, StringComparison.Ordinal);
        Assert.Contains("server listened on 127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("AuthenticationException: digest sent was rejected", text, StringComparison.Ordinal);
    }
}
