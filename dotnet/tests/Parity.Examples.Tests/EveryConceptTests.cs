using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests;

/// <summary>Runs alone, after the parallel test classes: nothing else starts processes meanwhile.</summary>
[CollectionDefinition(nameof(Sequential), DisableParallelization = true)]
public sealed class Sequential;

/// <summary>
/// Every registered concept runs to completion in-process at the tests' time scale, and leaves
/// no child process alive behind it (the .NET counterpart of pytest's no_leaked_children).
/// </summary>
[Collection(nameof(Sequential))]
public sealed class EveryConceptTests
{
    public static TheoryData<string> Ids => [.. ConceptRegistry.Ids];

    [SkippableTheory]
    [MemberData(nameof(Ids))]
    public async Task Run_AtTestTimeScale_CompletesAndLeavesNoChildRunning(string id)
    {
        var ctx = Ctx.Create(out var output);
        try
        {
            await ConceptRegistry.Get(id).RunAsync(ctx).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (ConceptSkippedException ex)
        {
            // A server program is missing here: skipped, except in CI, which installs it.
            Scale.RedisForTest.SkipOrFail(true, ex.Message);
        }
        Assert.NotEmpty(output.ToString());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var alive = LivingChildren();
        while (alive.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            alive = LivingChildren();
        }
        Assert.True(alive.Count == 0, $"{id} left child processes running: {string.Join(", ", alive)}");
    }

    /// <summary>Children of this process that have not exited (zombies have). Linux only: elsewhere none are seen.</summary>
    private static List<int> LivingChildren()
    {
        var children = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return children;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[1], CultureInfo.InvariantCulture) == Environment.ProcessId)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }
}
