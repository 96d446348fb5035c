using System.Globalization;
using Parity.Examples.Infrastructure;
using StackExchange.Redis;

namespace Parity.Examples.Scale.Queue;

/// <summary>The lesson's demo: a worker killed mid-task in a mixed .NET/Python run, and a task
/// that fails on every attempt. Python's side: parity/scale/_queue/demo.py.</summary>
public static class Demo
{
    public sealed record MixedRun(Report Report, string Killed, string KilledWorker, string RescuedBy, IReadOnlyList<string> Languages);

    /// <summary>A .NET master; a .NET worker that takes one task and is killed holding it; then one
    /// worker per language finishes everything, the killed one's task included.</summary>
    public static async Task<MixedRun> MixedRunAsync(RedisAddress address, int count, int taskMs, int claimIdleMs, Keys keys, string? python, CancellationToken token)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
        var db = connection.GetDatabase();
        List<string> languages = python is null ? [TaskQueue.Language] : [TaskQueue.Language, "python"];
        string[] idle = ["--claim-idle-ms", claimIdleMs.ToString(CultureInfo.InvariantCulture), "--namespace", keys.Ns];
        var workers = new List<WorkerProcess>();
        try
        {
            var victim = WorkerProcess.Start(TaskQueue.Language, address, python, [.. idle, "--stall-on", "1"]);
            workers.Add(victim);
            var victimName = (await victim.WaitForAsync("worker ", Timeouts.Short, token).ConfigureAwait(false)).Split(' ')[1];
            var run = Reports.NewRunId();
            await TaskQueue.PutTasksAsync(db, keys, run, count, taskMs, token: token).ConfigureAwait(false);
            var held = (await victim.WaitForAsync("holding ", Timeouts.Short, token).ConfigureAwait(false)).Split(' ')[1];
            await victim.KillAsync().ConfigureAwait(false); // no goodbye, no XACK: as if the machine lost power
            var rescuers = languages.Select(language => WorkerProcess.Start(language, address, python, idle)).ToList();
            workers.AddRange(rescuers);
            foreach (var worker in rescuers)
            {
                await worker.WaitForAsync("worker ", Timeouts.Short, token).ConfigureAwait(false);
            }
            var report = await Reports.CollectAsync(db, keys, run, count, Timeouts.Long, token: token).ConfigureAwait(false);
            var seq = int.Parse(held.Split('/')[1], CultureInfo.InvariantCulture);
            var rescuer = report.Results.TryGetValue(seq, out var r) ? r.Worker : "nobody";
            return new MixedRun(report, held, victimName, rescuer, languages);
        }
        finally
        {
            foreach (var w in workers)
            {
                await w.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One task that throws on every attempt: retried with backoff, then dead-lettered.</summary>
    public static async Task<(Report Report, StreamEntry[] Dead)> DeadLetterRunAsync(RedisAddress address, Keys keys, CancellationToken token)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
        var db = connection.GetDatabase();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var worker = new TaskQueue.Worker(db, keys, "dotnet-dl", say: _ => { });
        var running = worker.RunAsync(stop.Token);
        try
        {
            var run = Reports.NewRunId();
            await TaskQueue.PutTasksAsync(db, keys, run, 2, 0, new HashSet<int> { 1 }, token: token).ConfigureAwait(false);
            var report = await Reports.CollectAsync(db, keys, run, 2, Timeouts.Short, token: token).ConfigureAwait(false);
            return (report, await db.StreamRangeAsync(keys.Dead).ConfigureAwait(false));
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.WaitAsync(Timeouts.Short, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public static async Task RunAsync(ConceptContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var (address, server) = await PrivateRedisServer.UrlOrPrivateAsync(ctx.CancellationToken).ConfigureAwait(false);
        Task<(Report Report, StreamEntry[] Dead)>? deadLetters = null;
        try
        {
            ctx.Out.WriteLine($"redis: {address.Redacted()}");
            var idle = Math.Max(50, (int)ctx.Seconds(5).TotalMilliseconds);
            var python = WorkerProcess.FindPython();
            var keys = new Keys($"parity-{Reports.NewRunId()}");
            // The two runs share no keys, so the dead-letter one goes on beside the mixed one.
            deadLetters = DeadLetterRunAsync(address, new Keys($"parity-dl-{Reports.NewRunId()}"), ctx.CancellationToken);
            var mixed = await MixedRunAsync(address, 12, Math.Max(1, (int)ctx.Seconds(1).TotalMilliseconds), idle, keys, python, ctx.CancellationToken).ConfigureAwait(false);
            ctx.Out.WriteLine($"workers: {string.Join(", ", mixed.Languages)} (plus one dotnet worker killed on purpose)");
            if (python is null)
            {
                ctx.Out.WriteLine("no Python with the parity package found (set PARITY_PYTHON): .NET workers only");
            }
            var seq = mixed.Killed.Split('/')[1];
            ctx.Out.WriteLine($"killed {mixed.KilledWorker} while it held task {seq}");
            var rescued = mixed.RescuedBy != mixed.KilledWorker && mixed.RescuedBy != "nobody" ? "another worker" : "nobody";
            ctx.Out.WriteLine($"task {seq} was claimed after the idle time and finished by {rescued}");
            ctx.Out.WriteLine($"submit: {mixed.Report.Line()}");
            ctx.Out.WriteLine($"every task exactly once: {mixed.Report.Ok}");
            var (report, dead) = await deadLetters.ConfigureAwait(false);
            var reason = dead.Length > 0 ? dead[0]["reason"].ToString() : "?";
            ctx.Out.WriteLine($"a task failing every time: {reason}, dead-lettered; its run: {report.Line()}");
            if (!mixed.Report.Ok)
            {
                throw new InvalidOperationException($"not every task has exactly one result: {mixed.Report.Line()}");
            }
        }
        finally
        {
            if (deadLetters is not null) // ended before its server goes, even when the mixed run failed
            {
                await ((Task)deadLetters).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
