using Microsoft.Extensions.Logging;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Context;

/// <summary>
/// context.logging: Python's multiprocessing logs a child's life cycle for you once
/// log_to_stderr(INFO) is on. .NET has no such logger for processes: each process builds its own
/// ILoggerFactory, and a child (always a fresh runtime, like spawn) inherits none of the parent's
/// configuration, so the level travels on its command line. The lines use multiprocessing's
/// format, <c>[Level/ProcessName] message</c>, and go to ctx.Out through a small ILoggerProvider.
/// </summary>
[Concept("context.logging")]
public static partial class Logging
{
    public sealed record Record(string Level, string Process, string Message);

    // <session>
    /// <summary>Logs in the parent at <paramref name="level"/>, starts one child told the same
    /// level.</summary>
    public static async Task RunSessionAsync(
        TextWriter output, LogLevel level, CancellationToken cancellationToken)
    {
        using var factory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddProvider(new TextWriterLoggerProvider(output, "MainProcess")));
        var logger = factory.CreateLogger("multiprocessing");
        Log.StartingChildren(logger, 1);

        // Nothing is inherited: the child learns the level and its name from its arguments.
        var child = await SelfLauncher.RunAsync(
            "context.logging", [level.ToString(), "Process-1"], Timeouts.Short, cancellationToken);
        await output.WriteAsync(child.Output);
        Log.ChildExited(logger, child.Pid, child.ExitCode);
        Log.ShuttingDown(logger);
    }
    // </session>

    // <child>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var level = args.Length > 0 ? Enum.Parse<LogLevel>(args[0]) : LogLevel.Warning;
        var name = args.Length > 1 ? args[1] : "Process-?";
        using var factory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddProvider(new TextWriterLoggerProvider(ctx.Out, name)));
        var logger = factory.CreateLogger("multiprocessing");
        Log.CallingRun(logger);
        ctx.Out.WriteLine($"work done in {name}");
        Log.ShuttingDown(logger);
        Log.Exiting(logger, 0);
        return Task.FromResult(0);
    }
    // </child>

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine("LogLevel.Information, one child:");
        await RunSessionAsync(ctx.Out, LogLevel.Information, ctx.CancellationToken);
    }
    // </main>

    /// <summary>The [Level/Process] lines in some output, in order.</summary>
    public static IReadOnlyList<Record> Parse(string text) =>
        [.. text.ReplaceLineEndings("\n").Split('\n')
            .Select(line => LogLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new Record(
                m.Groups["level"].Value, m.Groups["process"].Value, m.Groups["message"].Value))];

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^\[(?<level>\w+)/(?<process>[\w-]+)\] (?<message>.*)$")]
    private static partial System.Text.RegularExpressions.Regex LogLine();

    // <messages>
    // Source-generated log methods: the message template is parsed once, and nothing is
    // formatted when the level is off.
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "parent: starting {Count} children")]
        public static partial void StartingChildren(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Information, Message = "child process calling Run()")]
        public static partial void CallingRun(ILogger logger);

        [LoggerMessage(Level = LogLevel.Information, Message = "process shutting down")]
        public static partial void ShuttingDown(ILogger logger);

        [LoggerMessage(
            Level = LogLevel.Information, Message = "process exiting with exit code {ExitCode}")]
        public static partial void Exiting(ILogger logger, int exitCode);

        [LoggerMessage(Level = LogLevel.Debug, Message = "child {Pid} exited with code {ExitCode}")]
        public static partial void ChildExited(ILogger logger, int pid, int exitCode);
    }
    // </messages>
}

/// <summary>
/// Writes every log line to a TextWriter (a concept's ctx.Out, never Console) in
/// multiprocessing's format: <c>[Level/ProcessName] message</c>.
/// </summary>
public sealed class TextWriterLoggerProvider(TextWriter writer, string processName)
    : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new TextWriterLogger(this);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message)
    {
        lock (_gate)
        {
            writer.WriteLine($"[{level}/{processName}] {message}");
        }
    }

    private sealed class TextWriterLogger(TextWriterLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, formatter(state, exception));
            }
        }
    }
}
