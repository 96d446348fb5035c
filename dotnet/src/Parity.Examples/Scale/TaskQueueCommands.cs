using System.Globalization;
using System.Runtime.InteropServices;
using Parity.Examples.Infrastructure;
using StackExchange.Redis;

namespace Parity.Examples.Scale;

/// <summary>
/// The CLI's <c>worker</c> and <c>submit</c> commands, the same options as
/// <c>python -m parity.scale.worker</c> and <c>python -m parity.scale.submit</c>.
/// Exit codes, as in Python: 0 done (submit: every task exactly once; worker: stopped by SIGTERM),
/// 1 submit found a task without exactly one result or the server went away, 2 bad input, no
/// server, a wrong password or a Redis older than 7.0, 130 Ctrl-C. Options take --opt value or --opt=value.
/// </summary>
public static class TaskQueueCommands
{
    public const string WorkerHelp = """
        usage: Parity.Cli worker [--redis URL] [--namespace NS] [--name NAME] [--claim-idle-ms MS] [--max-deliveries N] [--stall-on K]
        Take tasks from the Redis stream, record each result once, until SIGTERM or Ctrl-C.
          --redis URL          redis://[USER:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS (default: $PARITY_REDIS_URL);
                               without a password in the URL, $PARITY_REDIS_PASSWORD is used
          --namespace NS       prefix of every key (default: parity)
          --name NAME          this worker's name (default: dotnet-HOST-PID)
          --claim-idle-ms MS   claim a task another worker has held this long (default: 5000)
          --max-deliveries N   dead-letter a task delivered more often than this (default: 3)
          --stall-on K         demo: take the K-th task and never finish it, like a machine that died
        """;

    public const string SubmitHelp = """
        usage: Parity.Cli submit [--redis URL] [--namespace NS] [--count N] [--task-ms MS] [--timeout S] [--fail K] [--backlog N]
        Put N tasks on the Redis stream, wait for every result, check them, print one line.
          --redis URL      as for worker
          --namespace NS   prefix of every key (default: parity)
          --count N        how many tasks (default: 20)
          --task-ms MS     how long each task takes a worker (default: 100)
          --timeout S      give up waiting after this many seconds (default: 60)
          --fail K         the last K tasks fail on every delivery and end in the dead-letter stream
          --backlog N      wait while this many tasks are unfinished (default: 1000)
        """;

    private sealed class Options(string[] args, string help)
    {
        private readonly Dictionary<string, string> _values = Read(args, help);

        private static Dictionary<string, string> Read(string[] args, string help)
        {
            var known = help.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("--", StringComparison.Ordinal))
                .Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                // --opt value or --opt=value, as argparse takes them.
                var eq = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i].IndexOf('=', StringComparison.Ordinal) : -1;
                var name = eq < 0 ? args[i] : args[i][..eq];
                if (!known.Contains(name))
                {
                    throw new ArgumentException($"unknown option '{name}' (--help shows the options)");
                }
                if (eq < 0 && i + 1 >= args.Length)
                {
                    throw new ArgumentException($"{name} needs a value");
                }
                values[name] = eq < 0 ? args[++i] : args[i][(eq + 1)..];
            }
            return values;
        }

        public string? Text(string name) => _values.GetValueOrDefault(name);

        public int Int(string name, int fallback, int min, int max)
        {
            if (!_values.TryGetValue(name, out var raw))
            {
                return fallback;
            }
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"{name} must be an integer in {min}..{max}, got '{raw}'");
        }

        public RedisAddress Address()
        {
            var url = Text("--redis") ?? Environment.GetEnvironmentVariable(RedisAddress.UrlVariable);
            if (string.IsNullOrEmpty(url))
            {
                throw new ArgumentException($"no server: give --redis URL or set {RedisAddress.UrlVariable}");
            }
            return RedisAddress.Parse(url);
        }
    }

    /// <summary>A token cancelled by Ctrl-C (through the host's token) or by SIGTERM.</summary>
    private static (CancellationTokenSource Source, IDisposable? Registration) StopOnSigterm(CancellationToken token)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(token);
        if (OperatingSystem.IsWindows())
        {
            return (source, null);
        }
        var registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // exit through our own clean path, not the default handler
            source.Cancel();
        });
        return (source, registration);
    }

    public static async Task<int> WorkerAsync(string[] args, TextWriter output, CancellationToken token)
    {
        if (args is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(WorkerHelp).ConfigureAwait(false);
            return 0;
        }
        var options = new Options(args, WorkerHelp);
        var claimIdle = options.Int("--claim-idle-ms", TaskQueue.ClaimIdleMs, 1, int.MaxValue);
        var maxDeliveries = options.Int("--max-deliveries", TaskQueue.MaxDeliveries, 1, 1000);
        int? stallOn = options.Text("--stall-on") is null ? null : options.Int("--stall-on", 0, 1, int.MaxValue);
        var address = options.Address();
        var (stop, registration) = StopOnSigterm(token);
        using (stop)
        using (registration)
        {
            ConnectionMultiplexer connection;
            try
            {
                connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
            }
            catch (RedisConnectionException ex)
            {
                await Console.Error.WriteLineAsync($"parity worker: {address.Redacted()}: {FirstLine(ex.Message)}").ConfigureAwait(false);
                return 2;
            }
            await using (connection.ConfigureAwait(false))
            {
                if (TaskQueue.VersionProblem(connection.GetServers()[0].Version) is { } problem)
                {
                    await Console.Error.WriteLineAsync($"parity worker: {address.Redacted()}: {problem}").ConfigureAwait(false);
                    return 2;
                }
                var worker = new TaskQueue.Worker(connection.GetDatabase(), new TaskQueue.Keys(options.Text("--namespace") ?? "parity"),
                    options.Text("--name"), claimIdle, maxDeliveries, stallOn, line =>
                    {
                        output.WriteLine(line);
                        output.Flush();
                    });
                try
                {
                    await worker.RunAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Ctrl-C: 130, as Python's worker and any shell expects; the task stays pending.
                    await output.WriteLineAsync("worker stopped (Ctrl-C); a task it held is claimed by another worker").ConfigureAwait(false);
                    return 130;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // SIGTERM: a clean stop; a task held now stays pending; another worker claims it.
                }
                catch (RedisException ex)
                {
                    await Console.Error.WriteLineAsync($"parity worker: {address.Redacted()}: {ex.GetType().Name}: {FirstLine(ex.Message)}").ConfigureAwait(false);
                    return 1;
                }
                await output.WriteLineAsync($"worker {worker.Name} stopped").ConfigureAwait(false);
                return 0;
            }
        }
    }

    public static async Task<int> SubmitAsync(string[] args, TextWriter output, CancellationToken token)
    {
        if (args is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(SubmitHelp).ConfigureAwait(false);
            return 0;
        }
        var options = new Options(args, SubmitHelp);
        var count = options.Int("--count", 20, 1, int.MaxValue);
        var taskMs = options.Int("--task-ms", 100, 0, TaskQueue.MaxMs);
        var fail = options.Int("--fail", 0, 0, count);
        var backlog = options.Int("--backlog", TaskQueue.Backlog, 1, int.MaxValue);
        var rawTimeout = options.Text("--timeout") ?? "60";
        if (!double.TryParse(rawTimeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || !double.IsFinite(seconds))
        {
            throw new ArgumentException($"--timeout must be a positive number of seconds, got '{rawTimeout}'");
        }
        var timeout = TimeSpan.FromSeconds(seconds);
        var address = options.Address();
        var (stop, registration) = StopOnSigterm(token);
        using (stop)
        using (registration)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
                if (TaskQueue.VersionProblem(connection.GetServers()[0].Version) is { } problem)
                {
                    await Console.Error.WriteLineAsync($"parity submit: {address.Redacted()}: {problem}").ConfigureAwait(false);
                    return 2;
                }
                var db = connection.GetDatabase();
                var keys = new TaskQueue.Keys(options.Text("--namespace") ?? "parity");
                var run = TaskQueue.NewRunId();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var failing = Enumerable.Range(count - fail, fail).ToHashSet();
                await TaskQueue.PutTasksAsync(db, keys, run, count, taskMs, failing, backlog, timeout, stop.Token).ConfigureAwait(false);
                var remaining = timeout - clock.Elapsed;
                var report = await TaskQueue.CollectAsync(db, keys, run, count, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, stop.Token).ConfigureAwait(false);
                await output.WriteLineAsync(report.Line()).ConfigureAwait(false);
                return report.Ok ? 0 : 1;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("parity submit: cancelled; tasks already put stay in the stream").ConfigureAwait(false);
                return 130;
            }
            catch (TimeoutException ex)
            {
                await Console.Error.WriteLineAsync($"parity submit: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (RedisException ex)
            {
                await Console.Error.WriteLineAsync($"parity submit: {address.Redacted()}: {ex.GetType().Name}: {FirstLine(ex.Message)}").ConfigureAwait(false);
                return 2;
            }
        }
    }

    /// <summary>The first sentence: StackExchange.Redis goes on to advise options we do not want.</summary>
    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        var end = line.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? line : line[..(end + 1)];
    }
}
