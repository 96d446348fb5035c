using Parity.Examples.Infrastructure;
using StackExchange.Redis;

namespace Parity.Examples.Tests.Scale;

/// <summary>
/// A Redis server for one test: PARITY_REDIS_URL if set, else a private redis-server stopped on
/// dispose. Without redis-server the test is skipped with the install hint, except in CI, where a
/// skip would hide a broken setup, so it fails.
/// </summary>
public sealed class RedisForTest : IAsyncDisposable
{
    private readonly PrivateRedisServer? _server;

    private RedisForTest(RedisAddress address, PrivateRedisServer? server, ConnectionMultiplexer connection)
    {
        Address = address;
        _server = server;
        Connection = connection;
    }

    public RedisAddress Address { get; }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Db => Connection.GetDatabase();

    public static async Task<RedisForTest> StartAsync()
    {
        SkipOrFail(PrivateRedisServer.Executable() is null && Environment.GetEnvironmentVariable(RedisAddress.UrlVariable) is not { Length: > 0 },
            PrivateRedisServer.InstallHint);
        var (address, server) = await PrivateRedisServer.UrlOrPrivateAsync(CancellationToken.None);
        return new RedisForTest(address, server, await ConnectionMultiplexer.ConnectAsync(address.Options()));
    }

    /// <summary>Skip when <paramref name="condition"/> holds, or fail in CI.</summary>
    public static void SkipOrFail(bool condition, string reason)
    {
        if (condition && PrivateRedisServer.Required)
        {
            Assert.Fail($"CI must run this test for real: {reason}");
        }
        Skip.If(condition, reason);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
