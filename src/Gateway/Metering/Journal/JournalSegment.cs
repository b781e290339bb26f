using System.IO.MemoryMappedFiles;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>
/// One file of the journal, mapped into memory (shared): a line is written by copying it into the mapping, which
/// is the file's page cache, so it outlives the process without a system call per line. Writers reserve a range
/// under the journal's lock and copy after it, so the lines of concurrent calls never interleave; the unwritten
/// rest of the file is zeros. <see cref="Pending"/> counts the calls admitted into this segment whose outcome is
/// not yet final: the segment may go once it is sealed, nothing is pending, and every older segment has gone.
/// </summary>
internal sealed class JournalSegment : IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;

    public JournalSegment(string path, long capacity)
    {
        Path = path;
        Capacity = capacity;
        file = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, capacity, MemoryMappedFileAccess.ReadWrite);
        view = file.CreateViewAccessor(0, capacity, MemoryMappedFileAccess.ReadWrite);
    }

    public string Path { get; }
    public long Capacity { get; }

    /// <summary>Bytes reserved so far; the next line starts here.</summary>
    public long Length { get; set; }

    /// <summary>No longer written; set under the journal's lock.</summary>
    public bool Sealed { get; set; }

    /// <summary>Calls admitted here whose event is not yet in the database (or that were voided).</summary>
    public int Pending;

    public void Write(ReadOnlySpan<byte> line, long offset) =>
        view.SafeMemoryMappedViewHandle.WriteSpan((ulong)offset, line);

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }
}
