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
        // The file's blocks are allocated now (fallocate), not as pages are first written: a write into the mapping
        // that found the disk full would kill the process (SIGBUS). A full disk fails here, as an IOException, and
        // .NET deletes the file it could not allocate.
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.Read, PreallocationSize = capacity,
        });
        try
        {
            file = MemoryMappedFile.CreateFromFile(stream, null, capacity, MemoryMappedFileAccess.ReadWrite,
                HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, capacity, MemoryMappedFileAccess.ReadWrite);
        }
        catch
        {
            file?.Dispose();
            stream.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Where the file is; a prepared spare is renamed when it becomes the current segment.</summary>
    public string Path { get; private set; }
    public long Capacity { get; }

    /// <summary>Bytes reserved so far; the next line starts here.</summary>
    public long Length { get; set; }

    /// <summary>No longer written; set under the journal's lock.</summary>
    public bool Sealed { get; set; }

    /// <summary>Calls admitted here whose event is not yet in the database (or that were voided).</summary>
    public int Pending;

    public void MoveTo(string path)
    {
        File.Move(Path, path);
        Path = path;
    }

    /// <summary>
    /// Zeroes what was written and makes the segment new again, keeping its pages mapped: a page written for the
    /// first time costs a page fault (and a deleted file's pages a TLB flush), the journal's largest cost when
    /// every segment was a new file. Only for a segment nothing needs, renamed out of the journal first.
    /// </summary>
    public void Reset()
    {
        var zeros = new byte[Math.Min(Length, 64 * 1024)];
        for (long at = 0; at < Length; at += zeros.Length)
        {
            Write(zeros.AsSpan(0, (int)Math.Min(zeros.Length, Length - at)), at);
        }
        Length = 0;
        Sealed = false;
        Pending = 0;
    }

    public void Write(ReadOnlySpan<byte> line, long offset) =>
        view.SafeMemoryMappedViewHandle.WriteSpan((ulong)offset, line);

    /// <summary>
    /// Unmaps the file without writing it to disk: the accessor's own Dispose flushes (a synchronous msync of every
    /// dirty page), which a segment about to be deleted does not need and the page cache already has.
    /// </summary>
    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.Dispose();
        view.Dispose();
        file.Dispose();
    }
}
