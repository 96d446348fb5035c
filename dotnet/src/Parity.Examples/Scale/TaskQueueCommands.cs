using System.Globalization;
using System.Runtime.InteropServices;
using Parity.Examples.Infrastructure;
using Parity.Examples.Scale.Queue;
using StackExchange.Redis;

namespace Parity.Examples.Scale;

/// <summary>
/// The CLI's <c>worker</c>, <c>submit</c> and <c>dead</c> commands, the same options as
/// <c>python -m parity.scale.worker</c>, <c>.submit</c> and <c>.dead</c>.
/// Exit codes, as in Python: 0 done (submit: every task exactly once; worker: stopped by SIGTERM),
/// 1 submit found a task without exactly one result, the server stayed away, or dead found no
/// such letter, 2 bad input, no server, a wrong password or a Redis older than 7.0, 130 Ctrl-C.
/// Options take --opt value or --opt=value.
/// </summary>
public static class TaskQueueCommands
{
    public const string WorkerHelp = """
        usage: Parity.Cli worker [--redis URL] [--namespace NS] [--name NAME] [--claim-idle-ms N] [--max-deliveries N] [--max-attempts N] [--time-limit-ms MS] [--stall-on N]
        Take tasks from the Redis stream, record each result once, until SIGTERM or Ctrl-C.
          --redis URL          redis://[USER:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS (default: $PARITY_REDIS_URL);
                               without a password in the URL, $PARITY_REDIS_PASSWORD is used
          --namespace NS       prefix of every key (default: parity)
          --name NAME          this worker's name (default: dotnet-HOST-PID)
          --claim-idle-ms N    claim a task another worker has held this long, in ms (default: 5000)
          --max-deliveries N   dead-letter a task handed out more often: its workers keep dying (default: 3)
          --max-attempts N     dead-letter a task that threw this often; until then retry it with backoff (default: 3)
          --time-limit-ms MS   a task running longer fails (its handler is cancelled); 0: no limit (default: 0)
          --stall-on N         demo: take the K-th task and never finish it, like a dead machine
        """;

    public const string SubmitHelp = """
        usage: Parity.Cli submit [--redis URL] [--namespace NS] [--count N] [--task-ms MS] [--timeout S] [--fail K] [--backlog N] [--progress]
        Put N tasks on the Redis stream, wait for every result, check them, print one line.
          --redis URL      as for worker
          --namespace NS   prefix of every key (default: parity)
          --count N        how many tasks (default: 20)
          --task-ms MS     each task's time (default: 100)
          --timeout S      give up after S s (default: 60)
          --fail K         the last K tasks throw on every attempt and end in the dead-letter stream
          --backlog N      wait while N tasks are unfinished, at most 100000 (default: 1000)
          --progress       progress on stderr once a second (default on a terminal)
        """;

    public const string DeadHelp = """
        usage: Parity.Cli dead [--redis URL] [--namespace NS] list | redrive ID... | redrive --all
        List the dead-letter stream, or put letters back on the task stream as fresh tasks.
          --redis URL      as for worker
          --namespace NS   prefix of every key (default: parity)
        """;

    private sealed class Options(string[] args, string help)
    {
        private readonly (Dictionary<string, string> Values, List<string> Words) _read = Read(args, help);

        public string[] Rest => [.. _read.Words];

        private static (Dictionary<string, string>, List<string>) Read(string[] args, string help)
        {
            var known = help.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("--", StringComparison.Ordinal))
                .Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var rest = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i] == "--all")
                {
                    rest.Add(args[i]); // a subcommand and its words (dead)
                    continue;
                }
                // --opt value or --opt=value, as argparse takes them; a flag takes none.
                var eq = args[i].IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? args[i] : args[i][..eq];
                if (!known.Contains(name))
                {
                    throw new ArgumentException($"unknown option '{name}' (--help shows the options)");
                }
                if (name == "--progress")
                {
                    values[name] = "true";
                    continue;
                }
                if (eq < 0 && i + 1 >= args.Length)
                {
                    throw new ArgumentException($"{name} needs a value");
                }
                values[name] = eq < 0 ? args[++i] : args[i][(eq + 1)..];
            }
            return (values, rest);
        }

        public string? Text(string name) => _read.Values.GetValueOrDefault(name);

        public int Int(string name, int fallback, int min, int max)
        {
            if (!_read.Values.TryGetValue(name, out var raw))
            {
                return fallback;
            }
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"{name} must be an integer in {min}..{max}, got '{raw}'");
        }

        public Keys Keys() => new(Text("--namespace") ?? Messages.Namespace);

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

    /// <summary>Connects and checks the version: null and one line on stderr (exit 2) when it cannot.</summary>
    private static async Task<ConnectionMultiplexer?> ConnectAsync(string command, RedisAddress address)
    {
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
            if (QueueOps.VersionProblem(connection.GetServers()[0].Version) is not { } problem)
            {
                return connection;
            }
            await connection.DisposeAsync().ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"parity {command}: {address.Redacted()}: {problem}").ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            await Console.Error.WriteLineAsync($"parity {command}: {address.Redacted()}: {FirstLine(ex.Message)}").ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>Connects (exit 2 when it cannot), then runs <paramref name="body"/> with the
    /// database and a token that Ctrl-C (through <paramref name="token"/>) or SIGTERM cancels.
    /// </summary>
    private static async Task<int> ConnectedAsync(string command, RedisAddress address,
        Func<IDatabase, CancellationToken, Task<int>> body, CancellationToken token)
    {
        var (stop, registration) = StopOnSigterm(token);
        using (stop)
        using (registration)
        {
            if (await ConnectAsync(command, address).ConfigureAwait(false) is not { } connection)
            {
                return 2;
            }
            await using (connection.ConfigureAwait(false))
            {
                return await body(connection.GetDatabase(), stop.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>--stall-on N: the N-th task is never finished, like a machine that died holding it
    /// (the lesson's demo kills this worker next); every other task is the usual simulated work.
    /// </summary>
    public static Func<TaskMessage, CancellationToken, Task> StallingOn(int? nth)
    {
        if (nth is null)
        {
            return QueueOps.SimulatedWork;
        }
        var taken = 0;
        return (task, token) => ++taken == nth
            ? Task.Delay(Timeout.Infinite, token) // until the worker is stopped, if not killed first
            : QueueOps.SimulatedWork(task, token);
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
        var maxDeliveries = options.Int("--max-deliveries", TaskQueue.MaxDeliveries, 1, int.MaxValue);
        var maxAttempts = options.Int("--max-attempts", TaskQueue.MaxAttempts, 1, int.MaxValue);
        var timeLimit = options.Int("--time-limit-ms", 0, 0, int.MaxValue);
        int? stallOn = options.Text("--stall-on") is null ? null : options.Int("--stall-on", 0, 1, int.MaxValue);
        var keys = options.Keys();
        var address = options.Address();
        return await ConnectedAsync("worker", address, async (db, stop) =>
        {
            var worker = new TaskQueue.Worker(db, keys, options.Text("--name"), claimIdle,
                maxDeliveries, maxAttempts, timeLimit, line =>
                {
                    output.WriteLine(line);
                    output.Flush();
                }, StallingOn(stallOn));
            try
            {
                await worker.RunAsync(stop).ConfigureAwait(false);
            }
            catch (RedisException ex)
            {
                await Console.Error.WriteLineAsync($"parity worker: {address.Redacted()}: {ex.GetType().Name}: {FirstLine(ex.Message)}").ConfigureAwait(false);
                return 1;
            }
            if (token.IsCancellationRequested)
            {
                // Ctrl-C: 130, as Python's worker and any shell expects; a task in hand was handed back.
                await output.WriteLineAsync($"worker {worker.Name} stopped (Ctrl-C)").ConfigureAwait(false);
                return 130;
            }
            await output.WriteLineAsync($"worker {worker.Name} stopped").ConfigureAwait(false);
            return 0;
        }, token).ConfigureAwait(false);
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
        var taskMs = options.Int("--task-ms", 100, 0, Messages.MaxMs);
        var fail = options.Int("--fail", 0, 0, count);
        if (options.Text("--backlog") is { } rawBacklog && long.TryParse(rawBacklog, NumberStyles.None, CultureInfo.InvariantCulture, out var big) && big > QueueOps.StreamCap)
        {
            throw new ArgumentException($"--backlog must be at most {QueueOps.StreamCap}, the stream's MAXLEN: beyond it, XADD would trim unread tasks");
        }
        var backlog = options.Int("--backlog", TaskQueue.Backlog, 1, (int)QueueOps.StreamCap);
        var rawTimeout = options.Text("--timeout") ?? "60";
        if (!double.TryParse(rawTimeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || !double.IsFinite(seconds))
        {
            throw new ArgumentException($"--timeout must be a positive number of seconds, got '{rawTimeout}'");
        }
        var timeout = TimeSpan.FromSeconds(seconds);
        var keys = options.Keys();
        var address = options.Address();
        Action<string>? progress = options.Text("--progress") is not null || !Console.IsErrorRedirected
            ? line => Console.Error.WriteLine(line)
            : null;
        return await ConnectedAsync("submit", address, async (db, stop) =>
        {
            try
            {
                var run = Reports.NewRunId();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var failing = Enumerable.Range(count - fail, fail).ToHashSet();
                await TaskQueue.PutTasksAsync(db, keys, run, count, taskMs, failing, backlog, timeout, stop).ConfigureAwait(false);
                var remaining = timeout - clock.Elapsed;
                var report = await Reports.CollectAsync(db, keys, run, count, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero,
                    progress, stop).ConfigureAwait(false);
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
        }, token).ConfigureAwait(false);
    }

    public static async Task<int> DeadAsync(string[] args, TextWriter output, CancellationToken token)
    {
        if (args is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(DeadHelp).ConfigureAwait(false);
            return 0;
        }
        token.ThrowIfCancellationRequested();
        var options = new Options(args, DeadHelp);
        var (command, ids) = options.Rest switch
        {
            ["list"] => ("list", Array.Empty<string>()),
            ["redrive", "--all"] => ("redrive", Array.Empty<string>()),
            ["redrive", .. var named] when named.Length > 0 && !named.Contains("--all") => ("redrive", named),
            _ => throw new ArgumentException("say list, redrive ID... or redrive --all (--help shows how)"),
        };
        var keys = options.Keys();
        var address = options.Address();
        if (await ConnectAsync("dead", address).ConfigureAwait(false) is not { } connection)
        {
            return 2;
        }
        await using (connection.ConfigureAwait(false))
        {
            var db = connection.GetDatabase();
            try
            {
                if (command == "list")
                {
                    foreach (var line in await DeadLetters.ListAsync(db, keys).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync(line).ConfigureAwait(false);
                    }
                    return 0;
                }
                var (moved, missing) = await DeadLetters.RedriveAsync(db, keys, ids).ConfigureAwait(false);
                await output.WriteLineAsync($"re-drove {moved} dead letter(s)").ConfigureAwait(false);
                if (missing.Count > 0)
                {
                    await Console.Error.WriteLineAsync($"parity dead: no dead letter {string.Join(", ", missing)}").ConfigureAwait(false);
                    return 1;
                }
                return 0;
            }
            catch (RedisException ex)
            {
                await Console.Error.WriteLineAsync($"parity dead: {address.Redacted()}: {ex.GetType().Name}: {FirstLine(ex.Message)}").ConfigureAwait(false);
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
