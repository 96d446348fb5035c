using System.Runtime.CompilerServices;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.async-enumerable: .NET 10 has LINQ over IAsyncEnumerable&lt;T&gt; in the framework
/// (System.Linq.AsyncEnumerable: Where, Select, ToListAsync...; once System.Linq.Async, a package).
/// An async iterator is Python's async generator; leaving `await foreach` disposes it at once.
/// </summary>
[Concept("since.async-enumerable")]
public static class AsyncEnumerables
{
    // <source>
    public static async IAsyncEnumerable<int> Readings(
        int count, List<string> log, [EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield(); // as if each came from the network
                token.ThrowIfCancellationRequested();
                yield return i;
            }
        }
        finally
        {
            log.Add("closed");
        }
    }
    // </source>

    // <query>
    public static ValueTask<List<int>> EvenSquaresAsync(
        int count, List<string> log, CancellationToken token = default) =>
        Readings(count, log, token).Where(x => x % 2 == 0).Select(x => x * x).ToListAsync(token);

    public static async Task<(int? Found, bool Closed)> LeaveEarlyAsync(
        int limit, CancellationToken token)
    {
        var log = new List<string>();
        int? found = null;
        await foreach (var x in Readings(100, log, token).ConfigureAwait(false))
        {
            if (x > limit)
            {
                found = x;
                break; // disposes the iterator: its finally runs now
            }
        }
        return (found, log.Contains("closed"));
    }
    // </query>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var token = ctx.CancellationToken;
        var squares = await EvenSquaresAsync(10, [], token).AsTask()
            .WaitAsync(Timeouts.Short, token);
        ctx.Out.WriteLine($"even squares of 0..9: [{string.Join(", ", squares)}]");
        var (found, closed) = await LeaveEarlyAsync(3, token).WaitAsync(Timeouts.Short, token);
        ctx.Out.WriteLine(
            $"break out of await foreach: left at {found}, iterator closed on leaving: {closed}");
    }
    // </run>
}
