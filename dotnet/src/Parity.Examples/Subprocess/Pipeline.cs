using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Subprocess;

/// <summary>
/// subprocess.pipeline: producer | consumer. .NET cannot hand one child's stdout to another, so
/// the parent pumps the bytes; and a consumer that quits early must stop the producer, which
/// writing through Console never learns it (Console ignores EPIPE).
/// </summary>
[Concept("subprocess.pipeline")]
public static class Pipeline
{
    public sealed record PipelineResult(string Output, bool ProducerEndedByItself, int ProducerExitCode);

    public static ProcessStartInfo Child(params string[] args) => SelfLauncher.StartInfo("subprocess.pipeline", args);

    // <pipeline>
    /// <summary>Runs producer | consumer and returns the consumer's output.</summary>
    public static async Task<PipelineResult> RunPipelineAsync(
        ProcessStartInfo producerInfo, ProcessStartInfo consumerInfo, TimeSpan timeout,
        TimeSpan producerGrace, CancellationToken token)
    {
        consumerInfo.RedirectStandardInput = true;
        using var producer = Process.Start(producerInfo)
            ?? throw new InvalidOperationException("producer did not start");
        using var consumer = Process.Start(consumerInfo)
            ?? throw new InvalidOperationException("consumer did not start");
        // Their stderr is redirected too: drain it, or a child that fills that pipe blocks forever.
        var errors = Task.WhenAll(producer.StandardError.ReadToEndAsync(CancellationToken.None),
            consumer.StandardError.ReadToEndAsync(CancellationToken.None));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        try
        {
            var output = consumer.StandardOutput.ReadToEndAsync(deadline.Token);
            var pump = PumpAsync(
                producer.StandardOutput.BaseStream, consumer.StandardInput.BaseStream, deadline.Token);
            await consumer.WaitForExitAsync(deadline.Token);
            await pump;
            // Close our read end, as the Python side closes its copy: does the producer stop?
            producer.StandardOutput.Dispose();
            var ended = await ProcessTools.ExitsWithinAsync(producer, producerGrace, deadline.Token);
            if (!ended)
            {
                producer.Kill(entireProcessTree: true); // it would write into the void forever
                await producer.WaitForExitAsync(deadline.Token);
            }
            return new PipelineResult(await output, ended, producer.ExitCode);
        }
        finally
        {
            // No child outlives the pipeline, whatever went wrong above.
            foreach (var process in new[] { consumer, producer }.Where(p => !p.HasExited))
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None)
                    .WaitAsync(Timeouts.Short, CancellationToken.None);
            }
            await errors.WaitAsync(Timeouts.Short, CancellationToken.None);
        }
    }

    /// <summary>Copies producer output into consumer input until either side is done.</summary>
    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
            await to.DisposeAsync(); // end of file for the consumer: the producer finished
        }
        catch (IOException)
        {
            // The consumer exited and its stdin is gone (EPIPE): stop pumping.
        }
    }
    // </pipeline>

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = Timeouts.Short;
        var token = ctx.CancellationToken;
        var grep = await RunPipelineAsync(Child("table"), Child("grep", "bash"), limit, limit, token);
        ctx.Out.Write($"table | grep bash:\n{grep.Output}");

        var grace = ctx.Seconds(1.0);
        var head = await RunPipelineAsync(Child("endless"), Child("head", "3"), limit, grace, token);
        ctx.Out.Write($"endless | head 3:\n{head.Output}");
        ctx.Out.WriteLine($"producer ended by itself: {head.ProducerEndedByItself} "
            + "(Console ignores the broken pipe), so it was killed");
    }
    // </main>

    // <child>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args)
        {
            case ["table"]:
                // A fixed stand-in for `ps aux`.
                foreach (var row in ProcessTable)
                {
                    ctx.Out.WriteLine(row);
                }
                return 0;
            case ["grep", var word]:
                while (await Console.In.ReadLineAsync(ctx.CancellationToken) is { } line)
                {
                    if (line.Contains(word, StringComparison.Ordinal))
                    {
                        ctx.Out.WriteLine(line);
                    }
                }
                return 0;
            case ["head", var count]:
                for (var i = 0; i < int.Parse(count, CultureInfo.InvariantCulture); i++)
                {
                    if (await Console.In.ReadLineAsync(ctx.CancellationToken) is not { } line)
                    {
                        break;
                    }
                    ctx.Out.WriteLine(line);
                }
                return 0;
            case ["endless"]:
                for (long n = 0; !ctx.CancellationToken.IsCancellationRequested; n++)
                {
                    ctx.Out.WriteLine($"line {n}"); // once the reader is gone, this goes nowhere
                }
                return 0;
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }
    // </child>

    public static readonly IReadOnlyList<string> ProcessTable =
    [
        "PID  COMMAND",
        "101  bash",
        "102  python3 -m http.server",
        "103  bash -l",
        "104  sshd",
    ];
}
