using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Subprocess;

/// <summary>
/// subprocess.run: start a program, wait for it, and read its exit code and output.
/// .NET's counterpart is Process.Start with a ProcessStartInfo: redirect both streams, read
/// them concurrently, wait with WaitForExitAsync and a deadline. There is no CompletedProcess,
/// no check=True and no timeout parameter: the small helpers below are the equivalent, and on
/// timeout they kill the child themselves (cancelling WaitForExitAsync does not).
/// The child is a copy of this program, so the concept needs no shell tool on any platform.
/// </summary>
[Concept("subprocess.run")]
public static class Run
{
    /// <summary>What subprocess.CompletedProcess holds: the command, its exit code and its output.</summary>
    public sealed record CompletedProcess(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
    {
        public string Command => string.Join(' ', Args);

        // <check>
        /// <summary>check=True: a non-zero exit code becomes an exception carrying the output.</summary>
        public CompletedProcess EnsureSuccess() =>
            ExitCode == 0 ? this : throw new ProcessFailedException(this);
        // </check>
    }

    // <run>
    /// <summary>Runs the program to completion; on timeout kills it (and its children) and
    /// throws.</summary>
    public static async Task<CompletedProcess> RunCapturedAsync(
        ProcessStartInfo info, TimeSpan timeout, CancellationToken token)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        string[] args = [info.FileName, .. info.ArgumentList];
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"'{info.FileName}' did not start");
        // Read both pipes at once: draining one while the child blocks writing the other deadlocks.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // The child is still running: cancelling the wait does not stop it. Kill, then reap.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None)
                .WaitAsync(Timeouts.Short, CancellationToken.None);
            if (token.IsCancellationRequested)
            {
                throw;
            }
            throw new ProcessTimeoutException(args, process.Id, timeout, await stdout);
        }
        return new CompletedProcess(args, process.ExitCode, await stdout, await stderr);
    }
    // </run>

    public static ProcessStartInfo Child(string mode) => SelfLauncher.StartInfo("subprocess.run", mode);

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = Timeouts.Short;
        var done = await RunCapturedAsync(Child("greet"), limit, ctx.CancellationToken);
        ctx.Out.WriteLine(
            $"CompletedProcess: args=[dotnet, Parity.Cli.dll, child, ...] exit code={done.ExitCode}");
        ctx.Out.WriteLine($"stdout='{done.Stdout.Trim()}' stderr='{done.Stderr.Trim()}'");

        try
        {
            (await RunCapturedAsync(Child("fail"), limit, ctx.CancellationToken)).EnsureSuccess();
        }
        catch (ProcessFailedException ex)
        {
            var (code, stderr) = (ex.Result.ExitCode, ex.Result.Stderr.Trim());
            ctx.Out.WriteLine($"ProcessFailedException: exit code {code}, stderr='{stderr}'");
        }

        try
        {
            await RunCapturedAsync(Child("hang"), ctx.Seconds(1.0), ctx.CancellationToken);
        }
        catch (ProcessTimeoutException ex)
        {
            ctx.Out.WriteLine($"ProcessTimeoutException after {ex.Timeout.TotalSeconds:F2} s; "
                + $"the child (pid {ex.Pid}) was killed");
        }
    }
    // </main>

    // <child>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "greet":
                ctx.Out.WriteLine($"hello from {Environment.ProcessId}");
                // This is a real child process: writing to its own stderr is the point here.
                await Console.Error.WriteLineAsync("a warning");
                return 0;
            case "fail":
                await Console.Error.WriteLineAsync("bad input");
                return 3;
            case "hang":
                ctx.Out.WriteLine(Environment.ProcessId);
                await Task.Delay(TimeSpan.FromSeconds(600), ctx.CancellationToken);
                return 0;
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }
    // </child>
}

/// <summary>The counterpart of subprocess.CalledProcessError.</summary>
public sealed class ProcessFailedException(Run.CompletedProcess result)
    : Exception($"Command '{result.Command}' returned non-zero exit status {result.ExitCode}.")
{
    public Run.CompletedProcess Result { get; } = result;
}

/// <summary>The counterpart of subprocess.TimeoutExpired; unlike it, this one is a TimeoutException.</summary>
public sealed class ProcessTimeoutException(IReadOnlyList<string> args, int pid, TimeSpan timeout, string partialStdout)
    : TimeoutException($"Command '{string.Join(' ', args)}' timed out after {timeout.TotalSeconds} seconds")
{
    public int Pid { get; } = pid;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>What the child wrote before it was killed.</summary>
    public string PartialStdout { get; } = partialStdout;
}
