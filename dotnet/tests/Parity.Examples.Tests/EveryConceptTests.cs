using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests;

/// <summary>Runs alone, after the parallel test classes: nothing else starts processes or fills the cores meanwhile.</summary>
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
        // Children that were there before (conhost.exe hosts this process's console on Windows) are not the concept's.
        var before = await LivingChildrenAsync();
        var ctx = Ctx.Create(out var output);
        try
        {
            await ConceptRegistry.Get(id).RunAsync(ctx).WaitAsync(Timeouts.Long);
        }
        catch (ConceptSkippedException ex)
        {
            // A server program is missing here: skipped, except in CI, which installs it.
            Scale.RedisForTest.SkipOrFail(true, ex.Message);
        }
        Assert.NotEmpty(output.ToString());

        // A killed child may take a moment to be reaped: look again in slices, within Timeouts.Short.
        var deadline = DateTime.UtcNow + Timeouts.Short;
        var left = (await LivingChildrenAsync()).Except(before).ToList();
        while (left.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            left = [.. (await LivingChildrenAsync()).Except(before)];
        }
        Assert.True(left.Count == 0, $"{id} left child processes running: {string.Join(", ", left)}");
    }

    [Fact]
    public async Task LivingChildren_WhileAChildRuns_SeesItAndThenNotAfterTheKill()
    {
        // The check above must be able to fail: it sees a child we start, on every platform.
        using var sleeper = Parity.Examples.Processes.Lifecycle.CreateSleeper(Timeouts.Short);
        await using (var child = ChildProcess.Start(sleeper))
        {
            Assert.Contains(child.Id, await LivingChildrenAsync());
            await child.KillAsync();
            Assert.DoesNotContain(child.Id, await LivingChildrenAsync());
        }
    }

    /// <summary>
    /// Children of this process that have not exited. Linux: /proc, where an exited but unreaped
    /// child is a zombie (state Z) and does not count. Windows: a snapshot of every process and its
    /// parent's id (ParentProcess.Of); a process whose parent died may carry a reused id that is
    /// ours, so only those started after us count. macOS and other Unixes: ps, minus ps itself.
    /// </summary>
    private static async Task<List<int>> LivingChildrenAsync()
    {
        var me = Environment.ProcessId;
        var children = new List<int>();
        if (OperatingSystem.IsLinux())
        {
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
                    if (fields[0] != "Z" && int.Parse(fields[1], CultureInfo.InvariantCulture) == me)
                    {
                        children.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
        }
        else if (OperatingSystem.IsWindows())
        {
            using var self = Process.GetCurrentProcess();
            foreach (var process in Process.GetProcesses())
            {
                using (process)
                {
                    if (process.Id != me && ParentProcess.Of(process) == me && IsOurLivingChild(process, self.StartTime))
                    {
                        children.Add(process.Id);
                    }
                }
            }
        }
        else
        {
            await using var ps = ChildProcess.Start(new Process { StartInfo = PsInfo() });
            var listing = await ps.WaitAsync(Timeouts.Short, CancellationToken.None);
            foreach (var line in listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // "PID PPID STAT": a zombie's state starts with Z.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 3 && fields[1] == me.ToString(CultureInfo.InvariantCulture) && !fields[2].StartsWith('Z')
                    && int.Parse(fields[0], CultureInfo.InvariantCulture) is var pid && pid != ps.Id)
                {
                    children.Add(pid);
                }
            }
        }
        return children;
    }

    private static ProcessStartInfo PsInfo()
    {
        var info = new ProcessStartInfo("ps") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-A", "-o", "pid=", "-o", "ppid=", "-o", "stat=" })
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    private static bool IsOurLivingChild(Process process, DateTime ourStart)
    {
        try
        {
            return !process.HasExited && process.StartTime >= ourStart;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // gone, or not ours
        }
    }
}
