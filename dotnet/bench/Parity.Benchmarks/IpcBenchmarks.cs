using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Parity.Benchmarks;

/// <summary>
/// Workload 3: one message of Size bytes delivered and acknowledged (one byte back), by path:
/// an anonymous pipe to a child process, a memory-mapped file shared with a child, a Channel
/// inside the process (it hands over a reference, so the page reports its latency, not a
/// rate), and memcpy (the limit).
/// </summary>
public class IpcBenchmarks
{
    private readonly byte[] _header = new byte[4];
    private byte[] _payload = [];
    private byte[] _target = [];
    private Process? _pipeChild;
    private Process? _mappedChild;
    private string _mappedPath = "";
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private Channel<byte[]>? _messages;
    private Channel<byte>? _acks;
    private Task _consumer = Task.CompletedTask;

    public static IEnumerable<int> Sizes => Settings.IpcSizes;

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        Random.Shared.NextBytes(_payload);
        _target = new byte[Size];
        BinaryPrimitives.WriteInt32LittleEndian(_header, Size);
        _pipeChild = Process.Start(Children.Info(Settings.SelfPath, "sink"));
        _mappedPath = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"parity-bench-{Environment.ProcessId}-{Size}");
        using (var file = new FileStream(_mappedPath, FileMode.Create, FileAccess.ReadWrite))
        {
            file.SetLength(Size);
        }
        _map = MemoryMappedFile.CreateFromFile(_mappedPath, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        _view = _map.CreateViewAccessor();
        _mappedChild = Process.Start(Children.Info(Settings.SelfPath, "sink-mmf", _mappedPath));
        _messages = System.Threading.Channels.Channel.CreateBounded<byte[]>(1);
        _acks = System.Threading.Channels.Channel.CreateBounded<byte>(1);
        _consumer = Task.Run(async () =>
        {
            await foreach (var message in _messages.Reader.ReadAllAsync())
            {
                await _acks.Writer.WriteAsync((byte)message.Length);
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Children.Stop(_pipeChild);
        Children.Stop(_mappedChild);
        _messages?.Writer.Complete();
        _consumer.Wait(Children.Timeout);
        _view?.Dispose();
        _map?.Dispose();
        File.Delete(_mappedPath);
    }

    [Benchmark]
    public int AnonymousPipe()
    {
        var stdin = _pipeChild!.StandardInput.BaseStream;
        stdin.Write(_header);
        stdin.Write(_payload);
        stdin.Flush();
        return _pipeChild.StandardOutput.BaseStream.ReadByte();
    }

    [Benchmark]
    public unsafe int MemoryMapped()
    {
        byte* mapped = null;
        _view!.SafeMemoryMappedViewHandle.AcquirePointer(ref mapped);
        try
        {
            _payload.CopyTo(new Span<byte>(mapped + _view.PointerOffset, Size));
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        var stdin = _mappedChild!.StandardInput.BaseStream;
        stdin.Write(_header);
        stdin.Flush();
        return _mappedChild.StandardOutput.BaseStream.ReadByte();
    }

    [Benchmark]
    public async Task<byte> InProcessChannel()
    {
        await _messages!.Writer.WriteAsync(_payload);
        return await _acks!.Reader.ReadAsync();
    }

    [Benchmark]
    public void Memcpy() => _payload.CopyTo(_target, 0);
}
