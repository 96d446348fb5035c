using System.Globalization;
using Parity.Examples.Infrastructure;

// The console host for every .NET concept (Usage() below is what --help prints):
//   list                         every .NET concept id, one per line, sorted
//   run ID [--time-scale X]      run one concept (PARITY_TIME_SCALE is the default scale)
//   ... --trace FILE             with any of them: record the run's timeline (TraceRecorder.cs)
//   child ID [ARGS...]           internal: the entry point a concept starts in a child copy of itself
//   worker|submit|dead [--help] ...  the scale.task-queue worker, master and dead letters (Scale/TaskQueueCommands.cs)
//   guardian                     internal: ends what a program started once its stdin closes (Infrastructure/Guardian.cs)
// Bad input gets one line on stderr and exit code 2; a failing concept exits 1, a skipped one 77.

if (TraceOption(args) is not { } command)
{
    return 2;
}
using var trace = TraceRecorder.FromEnvironment("dotnet " + string.Join(' ', command.Take(2)));
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C cancels the running concept cooperatively; a second one ends the process.
    if (!cts.IsCancellationRequested)
    {
        e.Cancel = true;
        cts.Cancel();
    }
};

try
{
    return command switch
    {
        ["--help" or "-h" or "help"] => Help(),
        ["list"] => List(),
        ["run", var id, .. var rest] => await RunAsync(id, ParseScale(rest), cts.Token),
        ["child", var id, .. var rest] => await ChildAsync(id, rest, cts.Token),
        ["worker", .. var rest] => await Parity.Examples.Scale.TaskQueueCommands.WorkerAsync(rest, Console.Out, cts.Token),
        ["submit", .. var rest] => await Parity.Examples.Scale.TaskQueueCommands.SubmitAsync(rest, Console.Out, cts.Token),
        ["dead", .. var rest] => await Parity.Examples.Scale.TaskQueueCommands.DeadAsync(rest, Console.Out, cts.Token),
        ["guardian"] => await Guardian.RunAsync(Console.In),
        _ => Usage(),
    };
}
catch (Exception ex) when (ex is UnknownConceptException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"parity: {ex.Message}");
    return 2;
}

// --trace FILE, taken off the command line into PARITY_TRACE_FILE, which child processes inherit.
static string[]? TraceOption(string[] args)
{
    var at = Array.IndexOf(args, "--trace");
    if (at < 0)
    {
        return args;
    }
    if (at + 1 >= args.Length)
    {
        Console.Error.WriteLine("parity: --trace needs a file name");
        return null;
    }
    Environment.SetEnvironmentVariable(TraceRecorder.FileVariable, Path.GetFullPath(args[at + 1]));
    return [.. args[..at], .. args[(at + 2)..]];
}

static int List()
{
    foreach (var id in ConceptRegistry.Ids)
    {
        Console.WriteLine(id);
    }
    if (!Console.IsOutputRedirected)
    {
        // Said to a person only: a script reading stdout gets the ids alone.
        Console.Error.WriteLine("(.NET concepts only, sorted by id; `invoke list` shows every concept in catalog order)");
    }
    return 0;
}

static async Task<int> RunAsync(string id, double scale, CancellationToken token)
{
    var concept = ConceptRegistry.Get(id);
    Phase.Mark("CLI ready");
    try
    {
        await concept.RunAsync(new ConceptContext(Console.Out, scale, token));
        return 0;
    }
    catch (OperationCanceledException) when (token.IsCancellationRequested)
    {
        Console.Error.WriteLine($"parity: {id} cancelled");
        return 130;
    }
    catch (ConceptSkippedException ex)
    {
        Console.Error.WriteLine($"skipped: {ex.Message}");
        return ConceptSkippedException.ExitCode;
    }
    catch (Exception ex)
    {
        // A concept failing is a result, reported on one line; the full trace goes with PARITY_TRACE=1.
        Console.Error.WriteLine($"parity: {id} failed: {ex.GetType().Name}: {ex.Message}");
        if (Environment.GetEnvironmentVariable("PARITY_TRACE") == "1")
        {
            Console.Error.WriteLine(ex);
        }
        return 1;
    }
}

static async Task<int> ChildAsync(string id, string[] rest, CancellationToken token)
{
    var concept = ConceptRegistry.Get(id);
    try
    {
        return await concept.ChildAsync(new ConceptContext(Console.Out, ConceptContext.TimeScaleFromEnvironment(), token), rest);
    }
    catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
    {
        // One line and exit code 1, so a parent can tell a child's exception from a crash
        // (an unhandled exception or a failed Debug.Assert aborts with 134 on Unix).
        Console.Error.WriteLine($"parity: child {id} failed: {ex.GetType().Name}: {ex.Message}");
        return 1;
    }
}

static double ParseScale(string[] rest) => rest switch
{
    [] => ConceptContext.TimeScaleFromEnvironment(),
    ["--time-scale", var raw] when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && double.IsFinite(s) => s,
    _ => throw new ArgumentException($"bad options '{string.Join(' ', rest)}'; expected --time-scale POSITIVE_NUMBER"),
};

static int Usage()
{
    Console.Error.WriteLine("parity: usage: Parity.Cli list | run ID [--time-scale X] | --help");
    return 2;
}

static int Help()
{
    Console.WriteLine("""
        usage: Parity.Cli list | run ID [--time-scale X] | --help

          list                     every .NET concept id, one per line, sorted by id (.NET only:
                                   `invoke list` shows every concept, both languages, in catalog order)
          run ID [--time-scale X]  run one concept; X multiplies the article's durations
                                   (default: PARITY_TIME_SCALE, else 1)
          worker --redis URL ...   a scale.task-queue worker (worker --help shows its options)
          submit --redis URL ...   the scale.task-queue master (submit --help shows its options)
          dead --redis URL ...     list or re-drive the dead letters (dead --help shows how)
          -h, --help               this text

        exit codes: 0 ok, 1 the concept failed, 2 bad input, 77 skipped, 130 Ctrl-C
        """);
    return 0;
}
