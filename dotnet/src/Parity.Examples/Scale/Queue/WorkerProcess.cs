using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Scale.Queue;

/// <summary>A worker started as a program of its own, in either language, its output lines
/// collected as they come; the guardian ends it if this program is killed first.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly List<string> _lines = [];
    private readonly Process _process;

    public WorkerProcess(string language, ProcessStartInfo info)
    {
        Language = language;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        Guardian.Guard(_process);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Language { get; }

    public Process Process => _process;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    /// <summary>The first output line starting with <paramref name="prefix"/>; TimeoutException if none comes in time.</summary>
    public async Task<string> WaitForAsync(string prefix, TimeSpan timeout, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_lines)
            {
                if (_lines.FirstOrDefault(x => x.StartsWith(prefix, StringComparison.Ordinal)) is { } found)
                {
                    return found;
                }
                if (clock.Elapsed > timeout || _process.HasExited)
                {
                    throw new TimeoutException($"{Language} worker {(_process.HasExited ? "exited" : "timed out")} before printing '{prefix}': {string.Join(" | ", _lines.TakeLast(3))}");
                }
            }
            await Task.Delay(20, token).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL: no goodbye, no XACK, as if the machine lost power.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(Timeouts.Short).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private const string Probe = "import importlib.util as u, sys; "
        + "sys.exit(not all(u.find_spec(m) for m in ('parity.scale.worker', 'redis')))";

    /// <summary>The Python that has the parity package: PARITY_PYTHON, the repository's .venv, or python3 on PATH.</summary>
    public static string? FindPython()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PARITY_PYTHON") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }
        // From this assembly's folder up (AppContext.BaseDirectory is empty under the Python bridge).
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(WorkerProcess).Assembly.Location)!); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, ".venv", OperatingSystem.IsWindows() ? "Scripts/python.exe" : "bin/python"));
        }
        candidates.Add(OperatingSystem.IsWindows() ? "python" : "python3");
        foreach (var candidate in candidates.Where(c => !Path.IsPathRooted(c) || File.Exists(c)))
        {
            try
            {
                // Finds the worker's module and redis without importing them: importing both cost
                // this run 0.16 s of CPU before its first worker could start; finding, 0.03 s.
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", Probe])
                { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
                if (probe.WaitForExit(Timeouts.Short) && probe.ExitCode == 0)
                {
                    return candidate;
                }
                if (!probe.HasExited)
                {
                    probe.Kill();
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not on PATH.
            }
        }
        return null;
    }

    /// <summary>A worker in <paramref name="language"/>: this CLI's <c>worker</c>, or <c>python -m parity.scale.worker</c>.</summary>
    public static WorkerProcess Start(string language, RedisAddress address, string? python, params string[] args)
    {
        string[] common = ["--redis", address.WithoutPassword(), .. args];
        var info = language == "dotnet"
            ? SelfLauncher.CliStartInfo(["worker", .. common])
            : new ProcessStartInfo(python ?? throw new InvalidOperationException("no Python with the parity package"), ["-m", "parity.scale.worker", .. common]);
        // The password travels in the environment, where `ps` cannot read it.
        info.Environment[RedisAddress.PasswordVariable] = address.Password ?? string.Empty;
        info.Environment["PYTHONUNBUFFERED"] = "1";
        return new WorkerProcess(language, info);
    }
}
