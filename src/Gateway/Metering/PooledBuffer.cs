using System.Buffers;

namespace FrontierGateway.Gateway.Metering;

/// <summary>A growable byte buffer rented from the shared pool: what is read is dropped from the front without a copy out.</summary>
/// <param name="minimumSize">The first array's size: a buffer that is usually small (a stream's text) starts small.</param>
internal sealed class PooledBuffer(int minimumSize = 4096) : IDisposable
{
    private byte[] array = [];

    public int Count { get; private set; }

    public ReadOnlyMemory<byte> Written => array.AsMemory(0, Count);

    public void Append(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        Count += data.Length;
    }

    /// <summary>Room for at least <paramref name="size"/> bytes after the written ones; <see cref="Advance"/> keeps them.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (Count + size > array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Count + size, Math.Max(minimumSize, array.Length * 2)));
            array.AsSpan(0, Count).CopyTo(larger);
            Return();
            array = larger;
        }
        return array.AsSpan(Count, size);
    }

    /// <summary>Keeps <paramref name="count"/> bytes written into the last <see cref="GetSpan"/>.</summary>
    public void Advance(int count) => Count += count;

    /// <summary>Drops the first <paramref name="count"/> bytes; the rest moves to the front.</summary>
    public void Discard(int count)
    {
        array.AsSpan(count, Count - count).CopyTo(array);
        Count -= count;
    }

    /// <summary>Drops everything past the first <paramref name="count"/> bytes.</summary>
    public void Truncate(int count) => Count = Math.Min(Count, count);

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
