using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Parity.Benchmarks;

/// <summary>
/// The receiving end of the IPC benchmarks, a child process: reads a 4-byte little-endian length,
/// then the payload (from stdin, or from a memory-mapped file when given one), copies it into its
/// own buffer, and answers one byte. Stops when stdin closes. python/src/parity/bench/sink.py is the same program in Python.
/// </summary>
public static class Sink
{
    public static unsafe int Run(string? mappedPath)
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        using var map = mappedPath is null ? null : MemoryMappedFile.CreateFromFile(mappedPath, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        using var view = map?.CreateViewAccessor();
        byte* mapped = null;
        view?.SafeMemoryMappedViewHandle.AcquirePointer(ref mapped);
        try
        {
            var header = new byte[4];
            var buffer = Array.Empty<byte>();
            while (input.ReadAtLeast(header, 4, throwOnEndOfStream: false) == 4)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (buffer.Length < length)
                {
                    buffer = new byte[length];
                }
                if (view is null)
                {
                    input.ReadExactly(buffer, 0, length);
                }
                else
                {
                    new ReadOnlySpan<byte>(mapped + view.PointerOffset, length).CopyTo(buffer);
                }
                output.WriteByte(1);
                output.Flush();
            }
        }
        finally
        {
            if (mapped is not null)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }
        return 0;
    }
}
