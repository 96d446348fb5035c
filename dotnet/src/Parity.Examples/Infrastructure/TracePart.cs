using System.IO.MemoryMappedFiles;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// One process's part of a trace: lines copied into a file mapped into memory. A line is in the
/// kernel's page cache the moment it is copied, so a process killed after it loses none, and
/// appending costs no system call (a write(2) per line would cost more than the rest of a span).
/// Each thread fills a block of its own, taken with one atomic add, so threads recording at once
/// share no cache line; the merge orders lines by time. Closing squeezes out the zeros a block's
/// unused end leaves; a killed process leaves them in, and the merge skips them.
/// </summary>
internal sealed unsafe class TracePart : IDisposable
{
    private const long Capacity = 64L << 20; // 64 MiB, ~600,000 events; pages never touched take no room
    private const int Block = 64 << 10;
    private readonly string _path;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly ThreadLocal<Writer> _writers = new(() => new Writer(), trackAllValues: true);
    private long _reserved;
    private volatile bool _closed;

    private sealed class Writer
    {
        public int Busy; // 1 while copying: Dispose waits for it before it unmaps
        public long At;
        public long End; // this thread's block: [At, End)
    }

    public TracePart(string path)
    {
        _path = path;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Create, null, Capacity, MemoryMappedFileAccess.ReadWrite);
        _view = _map.CreateViewAccessor(0, Capacity);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer); // held until Dispose
        _base = pointer;
    }

    /// <summary>Appends one whole line (its newline included); past the capacity, drops it.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        var writer = _writers.Value!;
        Interlocked.Exchange(ref writer.Busy, 1); // a full fence: Dispose, which sets _closed first, sees it
        try
        {
            if (_closed || line.Length > Block)
            {
                return;
            }
            if (writer.End - writer.At < line.Length)
            {
                var end = Interlocked.Add(ref _reserved, Block);
                if (end > Capacity)
                {
                    return;
                }
                (writer.At, writer.End) = (end - Block, end);
            }
            line.CopyTo(new Span<byte>(_base + writer.At, line.Length));
            writer.At += line.Length;
        }
        finally
        {
            Volatile.Write(ref writer.Busy, 0);
        }
    }

    public void Dispose()
    {
        _closed = true;
        Interlocked.MemoryBarrier();
        foreach (var writer in _writers.Values)
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref writer.Busy) == 0);
        }
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _writers.Dispose();
        var used = (int)Math.Min(Volatile.Read(ref _reserved), Capacity);
        var bytes = File.ReadAllBytes(_path).AsSpan(0, used).ToArray();
        File.WriteAllBytes(_path, [.. bytes.Where(b => b != 0)]);
    }
}
