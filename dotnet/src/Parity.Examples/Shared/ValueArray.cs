using System.Globalization;
using System.IO.MemoryMappedFiles;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.value-array: one double and ten ints in memory that two child processes write and
/// the parent reads back, like Python's <c>Value("d", 3.14)</c> and <c>Array("i", range(10))</c>.
/// .NET's counterpart is a memory-mapped file. Named maps (no file) exist on Windows only, so
/// the portable form maps a temporary file that parent and children open by path. The map has
/// no built-in lock: each aligned 8-byte or 4-byte access is atomic, anything larger needs one.
/// Inside one process the same thing is simply an array shared by threads.
/// </summary>
[Concept("shared.value-array")]
public static class ValueArray
{
    public const int Length = 10;
    internal const long ValueOffset = 0;     // one double (Python typecode 'd')
    internal const long ArrayOffset = 8;     // then Length ints (typecode 'i')
    internal const long Capacity = ArrayOffset + (sizeof(int) * Length);

    public sealed record Result(double Value, int[] Array, IReadOnlyList<string> ChildOutput);

    // <parent>
    public static async Task<Result> ShareAcrossProcessesAsync(CancellationToken token = default)
    {
        var path = Path.Combine(Path.GetTempPath(), $"parity-value-array-{Guid.NewGuid():N}.bin");
        try
        {
            using (var map = OpenMap(path, FileMode.CreateNew))
            using (var view = map.CreateViewAccessor(0, Capacity))
            {
                view.Write(ValueOffset, 3.14);
                for (var i = 0; i < Length; i++)
                {
                    view.Write(ArrayOffset + (sizeof(int) * i), i);
                }
                view.Flush();
            }
            // Both children run at once, each writing one slot, as in the article.
            var outputs = await Task.WhenAll(
                RunChildAsync(path, slot: 0, "child 1", token),
                RunChildAsync(path, slot: 1, "child 2", token));
            var (value, array) = Read(path);
            return new Result(value, array, outputs);
        }
        finally
        {
            File.Delete(path);
        }
    }
    // </parent>

    // <children>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        if (args is not [var path, var rawSlot, var name])
        {
            throw new ArgumentException("expected: PATH SLOT NAME");
        }
        var slot = int.Parse(rawSlot, CultureInfo.InvariantCulture);
        using var map = OpenMap(path, FileMode.Open);
        using var view = map.CreateViewAccessor(0, Capacity);
        var value = view.ReadDouble(ValueOffset).ToString(CultureInfo.InvariantCulture);
        ctx.Out.WriteLine($"[{name}] value={value} before: {Format(ReadInts(view))}");
        view.Write(ArrayOffset + (sizeof(int) * slot), 10); // a plain 4-byte store: no lock, but atomic
        view.Flush();
        ctx.Out.WriteLine($"[{name}] after:  {Format(ReadInts(view))}");
        return Task.FromResult(0);
    }
    // </children>

    // <threads>
    /// <summary>The in-process version: two threads write slots of one plain array.</summary>
    public static int[] ShareAcrossThreads()
    {
        var array = Enumerable.Range(0, Length).ToArray();
        var threads = Enumerable.Range(0, 2)
            .Select(slot => new Thread(() => array[slot] = 10)).ToList();
        threads.ForEach(t => t.Start());
        if (!threads.All(t => t.Join(Timeouts.Short)))
        {
            throw new TimeoutException("a thread did not finish");
        }
        return array; // Join is a memory barrier: the writes are visible here
    }
    // </threads>

    private static MemoryMappedFile OpenMap(string path, FileMode mode)
    {
        // FileShare.ReadWrite lets the children open the file the parent has open (Windows cares).
        var stream = new FileStream(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            if (stream.Length < Capacity)
            {
                stream.SetLength(Capacity);
            }
            return MemoryMappedFile.CreateFromFile(stream, mapName: null, Capacity, MemoryMappedFileAccess.ReadWrite,
                HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static (double Value, int[] Array) Read(string path)
    {
        using var map = OpenMap(path, FileMode.Open);
        using var view = map.CreateViewAccessor(0, Capacity);
        return (view.ReadDouble(ValueOffset), ReadInts(view));
    }

    private static int[] ReadInts(MemoryMappedViewAccessor view)
    {
        var ints = new int[Length];
        view.ReadArray(ArrayOffset, ints, 0, Length);
        return ints;
    }

    public static string Format(IEnumerable<int> ints) => $"[{string.Join(", ", ints)}]";

    private static async Task<string> RunChildAsync(string path, int slot, string name, CancellationToken cancellationToken)
    {
        var child = await SelfLauncher.RunAsync("shared.value-array",
            [path, slot.ToString(CultureInfo.InvariantCulture), name], Timeouts.Short, cancellationToken);
        return child.ExitCode == 0
            ? child.Output
            : throw new InvalidOperationException($"{name} exited with {child.ExitCode}: {child.Error}");
    }

    public static async Task RunAsync(ConceptContext ctx)
    {
        var result = await ShareAcrossProcessesAsync(ctx.CancellationToken);
        foreach (var output in result.ChildOutput)
        {
            ctx.Out.Write(output);
        }
        ctx.Out.WriteLine($"[parent] value={result.Value.ToString(CultureInfo.InvariantCulture)} array={Format(result.Array)}");
        ctx.Out.WriteLine($"[threads] plain array after two threads: {Format(ShareAcrossThreads())}");
    }
}
