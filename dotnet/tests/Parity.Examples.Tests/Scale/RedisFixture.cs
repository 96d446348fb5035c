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

    /// <summary>The private server, for a test that restarts it (null with PARITY_REDIS_URL).</summary>
    public PrivateRedisServer? Server => _server;

    public static async Task<RedisForTest> StartAsync()
    {
        SkipOrFail(PrivateRedisServer.Executable() is null && Environment.GetEnvironmentVariable(RedisAddress.UrlVariable) is not { Length: > 0 },
            PrivateRedisServer.InstallHint);
        var (address, server) = await PrivateRedisServer.UrlOrPrivateAsync(CancellationToken.None);
        return new RedisForTest(address, server, await ConnectionMultiplexer.ConnectAsync(address.Options()));
    }

    /// <summary>A private server of the test's own, with an append-only file or none: never an outside one.</summary>
    public static async Task<RedisForTest> StartPrivateAsync(bool appendOnly)
    {
        SkipOrFail(PrivateRedisServer.Executable() is null, PrivateRedisServer.InstallHint);
        var server = await PrivateRedisServer.StartAsync(CancellationToken.None, appendOnly);
        return new RedisForTest(server.Address, server, await ConnectionMultiplexer.ConnectAsync(server.Address.Options()));
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
