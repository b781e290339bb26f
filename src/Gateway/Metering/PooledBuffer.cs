using System.Buffers;

namespace FrontierGateway.Gateway.Metering;

/// <summary>A growable byte buffer rented from the shared pool: what is read is dropped from the front without a copy out.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] array = [];

    public int Count { get; private set; }

    public ReadOnlyMemory<byte> Written => array.AsMemory(0, Count);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (Count + data.Length > array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Count + data.Length, Math.Max(4096, array.Length * 2)));
            array.AsSpan(0, Count).CopyTo(larger);
            Return();
            array = larger;
        }
        data.CopyTo(array.AsSpan(Count));
        Count += data.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes; the rest moves to the front.</summary>
    public void Discard(int count)
    {
        array.AsSpan(count, Count - count).CopyTo(array);
        Count -= count;
    }

    public void Dispose()
    {
        Return();
        array = [];
        Count = 0;
    }

    private void Return()
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
