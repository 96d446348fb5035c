using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Distributed;

/// <summary>
/// distributed.manager-queues: a loopback TCP server hosting two named queues, and two clients
/// that exchange messages through it, as Python's BaseManager does. .NET has no remote-object
/// manager: <see cref="QueueServer"/> (Infrastructure) is a small one with multiprocessing's
/// handshake, a shared key proved by an HMAC of a random challenge, never sent itself.
/// </summary>
[Concept("distributed.manager-queues")]
public static class ManagerQueues
{
    public const string AuthKeyVariable = "PARITY_AUTHKEY";
    public const string Question = "[Zhang] Ming, is the boss away on business tomorrow?";
    public const string Answer = "[Ming] He is, so no overtime for us for a few days (>_<)";
    public static readonly IReadOnlyList<string> Queues = ["zhang", "ming"];

    /// <summary>PARITY_AUTHKEY if set, else 32 random bytes: never a literal.</summary>
    public static byte[] AuthKey() =>
        Environment.GetEnvironmentVariable(AuthKeyVariable) is { Length: > 0 } configured
            ? Encoding.UTF8.GetBytes(configured)
            : RandomNumberGenerator.GetBytes(32);

    // <client>
    public static async Task<string> ZhangAsync(IPEndPoint server, byte[] key, CancellationToken ct)
    {
        using var client = await QueueClient.ConnectAsync(server, key, ct);
        await client.PutAsync("zhang", Question, ct);      // leave a message in my own queue
        return await client.GetAsync("ming", Timeouts.Short, ct);  // wait for Ming's
    }

    public static async Task<string> MingAsync(IPEndPoint server, byte[] key, CancellationToken ct)
    {
        using var client = await QueueClient.ConnectAsync(server, key, ct);
        var question = await client.GetAsync("zhang", Timeouts.Short, ct);
        await client.PutAsync("ming", Answer, ct);
        return question;
    }
    // </client>

    // <run>
    public sealed record Exchange(string ZhangReceived, string MingReceived, IPEndPoint EndPoint);

    public static async Task<Exchange> ExchangeAsync(byte[] key, CancellationToken ct = default)
    {
        await using var server = new QueueServer(key, Queues); // like manager.start()
        var zhang = ZhangAsync(server.EndPoint, key, ct);
        var ming = MingAsync(server.EndPoint, key, ct);
        await Task.WhenAll(zhang, ming).WaitAsync(Timeouts.Short, ct);
        return new Exchange(await zhang, await ming, server.EndPoint);
    }

    /// <summary>Connect with another key than the server's; returns the refusal.</summary>
    public static async Task<string> WrongKeyIsRefusedAsync(
        byte[] key, CancellationToken ct = default)
    {
        await using var server = new QueueServer(key, Queues);
        var otherKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var _ = await QueueClient.ConnectAsync(server.EndPoint, otherKey, ct);
        }
        catch (AuthenticationException ex)
        {
            return ex.Message;
        }
        throw new InvalidOperationException("a client with the wrong key was let in");
    }
    // </run>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var configured = Environment.GetEnvironmentVariable(AuthKeyVariable) is { Length: > 0 };
        var key = AuthKey();
        var origin = configured ? $"from {AuthKeyVariable}" : "generated for this run";
        ctx.Out.WriteLine($"authkey: {key.Length} bytes, {origin}");
        var result = await ExchangeAsync(key, ctx.CancellationToken);
        ctx.Out.WriteLine($"server listened on {result.EndPoint}, now stopped");
        ctx.Out.WriteLine($"zhang received: {result.ZhangReceived}");
        ctx.Out.WriteLine($"ming received:  {result.MingReceived}");
        var refusal = await WrongKeyIsRefusedAsync(key, ctx.CancellationToken);
        ctx.Out.WriteLine($"a client with another key: AuthenticationException: {refusal}");
    }
}
