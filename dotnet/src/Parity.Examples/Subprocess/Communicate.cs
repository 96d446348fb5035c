using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Subprocess;

/// <summary>
/// subprocess.communicate: drive an interactive child through stdin and stdout. .NET has no
/// communicate(): start reading stdout and stderr, write the input, close stdin (the child's end
/// of file), then wait with a deadline. Like communicate(timeout=...), a cancelled
/// WaitForExitAsync leaves the child running: kill it, then the pending reads return what it wrote.
/// The child is a copy of this program speaking a tiny line protocol (.NET ships no REPL).
/// </summary>
[Concept("subprocess.communicate")]
public static class Communicate
{
    public sealed record Conversation(string Stdout, string Stderr, bool TimedOut, bool AliveAfterTimeout, int ExitCode);

    public static ProcessStartInfo Session()
    {
        var info = SelfLauncher.StartInfo("subprocess.communicate");
        info.RedirectStandardInput = true;
        return info;
    }

    // <communicate>
    /// <summary>Feeds <paramref name="input"/> to a fresh session and reads everything it
    /// answers.</summary>
    public static async Task<Conversation> ConverseAsync(
        string input, TimeSpan timeout, CancellationToken token)
    {
        using var child = Process.Start(Session())
            ?? throw new InvalidOperationException("the session did not start");
        var stdout = child.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = child.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        bool timedOut = false, alive = false;
        try
        {
            await child.StandardInput.WriteAsync(input.AsMemory(), deadline.Token);
            child.StandardInput.Close(); // end of file: the session may finish
            await child.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            alive = !child.HasExited; // the wait gave up, the child did not
            child.Kill(entireProcessTree: true);
            if (token.IsCancellationRequested)
            {
                throw;
            }
        }
        // After the exit (or the kill) the pipes reach end of file: collect, with a limit.
        var (limit, none) = (Timeouts.Short, CancellationToken.None);
        await child.WaitForExitAsync(none).WaitAsync(limit, none);
        var output = await stdout.WaitAsync(limit, none);
        var errors = await stderr.WaitAsync(limit, none);
        return new Conversation(output, errors, timedOut, alive, child.ExitCode);
    }
    // </communicate>

    public const string Hello = "hello\nsum 2 2\n";
    public const string Stuck = "working...\nstall\n";

    /// <summary>
    /// The stuck session gets the article's 1 s, scaled, but never less than this: a fresh .NET
    /// child needs 0.1-0.5 s just to start, and a limit shorter than that kills it before it has
    /// answered anything, which would show a different (and uninteresting) outcome.
    /// </summary>
    public static readonly TimeSpan StallLimitFloor = TimeSpan.FromSeconds(1);

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var talk = await ConverseAsync(Hello, Timeouts.Short, ctx.CancellationToken);
        var said = talk.Stdout.ReplaceLineEndings("\\n");
        var prompts = talk.Stderr.Split('>').Length - 1;
        ctx.Out.WriteLine($"stdout='{said}' prompts on stderr={prompts}");

        var limit = ctx.Seconds(1.0) > StallLimitFloor ? ctx.Seconds(1.0) : StallLimitFloor;
        var stuck = await ConverseAsync(Stuck, limit, ctx.CancellationToken);
        ctx.Out.WriteLine($"timed out={stuck.TimedOut}, still running then={stuck.AliveAfterTimeout}");
        var collected = stuck.Stdout.ReplaceLineEndings("\\n");
        ctx.Out.WriteLine($"collected after kill: stdout='{collected}' exit code={stuck.ExitCode}");
    }
    // </main>

    // <child>
    /// <summary>The session: one answer per line; "stall" stops reading, like a hung program.</summary>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var prompt = Console.Error; // prompts go to stderr, like Python's REPL
        await prompt.WriteAsync("> ");
        while (await Console.In.ReadLineAsync(ctx.CancellationToken) is { } line)
        {
            switch (line.Split(' '))
            {
                case ["stall"]:
                    await Task.Delay(TimeSpan.FromSeconds(600), ctx.CancellationToken);
                    return 0;
                case ["sum", .. var numbers]:
                    ctx.Out.WriteLine(numbers.Sum(n => int.Parse(n, CultureInfo.InvariantCulture)));
                    break;
                default:
                    ctx.Out.WriteLine(line);
                    break;
            }
            await prompt.WriteAsync("> ");
        }
        return 0;
    }
    // </child>
}
