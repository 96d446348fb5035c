using Parity.Examples.Infrastructure;

namespace Parity.Examples.Processes;

/// <summary>
/// process.subclass: Python subclasses Process and overrides run(); start() runs it in the
/// child. .NET has no such hook: System.Diagnostics.Process can be inherited, but it only
/// manages an OS process and has nothing that runs in the child. The nearest honest idiom is
/// composition: a class that keeps the child's arguments (its "__init__"), starts a copy of
/// this program, and whose static <see cref="Greeter.Run"/> is the child's entry point ("run()").
/// </summary>
[Concept("process.subclass")]
public static class Subclass
{
    // <subclass>
    /// <summary>Greets from a child copy of the program.</summary>
    public sealed class Greeter(string greeting)
    {
        public string Name => $"greeter-{Greeting}";

        public string Greeting { get; } = greeting;

        /// <summary>The parent's side of start() + join(): start the child, wait for it, return
        /// its output.</summary>
        public async Task<(int ExitCode, string Output)> StartAndWaitAsync(
            TimeSpan timeout, CancellationToken token)
        {
            var child = await SelfLauncher.RunAsync("process.subclass", [Greeting], timeout, token);
            return (child.ExitCode, child.Output);
        }

        /// <summary>run(): what the child executes. It gets its arguments, not the parent's
        /// object.</summary>
        public static int Run(TextWriter output, string greeting)
        {
            greeting = greeting.ToUpperInvariant(); // changes the child's copy only
            var name = $"greeter-{greeting.ToLowerInvariant()}";
            output.WriteLine($"[child {name}] pid={Environment.ProcessId} ppid={ParentProcess.Id()} "
                + $"greeting='{greeting}'");
            return 0;
        }
    }
    // </subclass>

    // <parent>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"[parent] pid={Environment.ProcessId} ppid={ParentProcess.Id()}");
        var greeter = new Greeter("cheerful");
        var (exitCode, output) = await greeter.StartAndWaitAsync(Timeouts.Short, ctx.CancellationToken);
        ctx.Out.Write(output);
        ctx.Out.WriteLine($"[parent] {greeter.Name} exited with code {exitCode}; "
            + $"our copy still says '{greeter.Greeting}'");
    }
    // </parent>

    public static Task<int> ChildAsync(ConceptContext ctx, string[] args) =>
        Task.FromResult(Greeter.Run(ctx.Out, args.FirstOrDefault() ?? "anonymous"));
}
