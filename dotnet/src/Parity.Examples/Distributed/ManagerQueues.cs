using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
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
    public const string Question = "[Zhang] Ming, is the boss away on business tomorrow?";
    public const string Answer = "[Ming] He is, so no overtime for us for a few days (>_<)";
    public static readonly IReadOnlyList<string> Queues = ["zhang", "ming"];

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
    /// <summary>Zhang and Ming talk via one server; a client with another key is refused.</summary>
    public static async Task<(string ZhangReceived, string MingReceived, IPEndPoint EndPoint,
        string Refusal)> ExchangeAsync(byte[] key, CancellationToken ct = default)
    {
        await using var server = new QueueServer(key, Queues); // like manager.start()
        var zhang = ZhangAsync(server.EndPoint, key, ct);
        var ming = MingAsync(server.EndPoint, key, ct);
        await Task.WhenAll(zhang, ming).WaitAsync(Timeouts.Short, ct);
        var otherKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var _ = await QueueClient.ConnectAsync(server.EndPoint, otherKey, ct);
            throw new InvalidOperationException("a client with the wrong key was let in");
        }
        catch (AuthenticationException ex)
        {
            return (await zhang, await ming, server.EndPoint, ex.Message);
        }
    }
    // </run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var (key, origin) = QueueKey.FromEnvironment(); // PARITY_AUTHKEY, or generated
        ctx.Out.WriteLine($"authkey: {key.Length} bytes, {origin}");
        var (zhang, ming, endPoint, refusal) = await ExchangeAsync(key, ctx.CancellationToken);
        ctx.Out.WriteLine($"server listened on {endPoint}, now stopped");
        ctx.Out.WriteLine($"zhang received: {zhang}");
        ctx.Out.WriteLine($"ming received:  {ming}");
        ctx.Out.WriteLine($"a client with another key: AuthenticationException: {refusal}");
    }
}
