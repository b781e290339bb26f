using FrontierGateway.Data.Entities;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>
/// An append-only record of every admitted call, so that no call answered to a client is lost with the process.
/// A call writes a line when it is admitted and one when it ends (its event, or a void), the second before the
/// response's last bytes leave (<see cref="MeteringStream"/> holds them back). Lines are copied into memory-mapped
/// segment files, i.e. straight into the page cache, and not fsynced: the page cache outlives the process, not the
/// machine. (A positional write per line cost two system calls a call; the mapping costs two memory copies.) A segment is
/// let go once every call admitted into it has its event in the database and every older segment is gone: it is
/// zeroed and becomes the next segment (its pages stay mapped, so lines do not pay page faults), or is deleted. What
/// is left at start-up is replayed (<see cref="JournalReplay"/>).
/// A segment's disk space is allocated when it is made, so a full disk fails the making (handled: the current segment
/// takes lines past its seal size while it has room, and a line with no room anywhere is skipped and counted, its call
/// served as before but kept in memory only until stored), never a write into a mapping, which would kill the process.
/// </summary>
internal sealed partial class UsageJournal(string folder, ILogger<UsageJournal> logger) : IDisposable
{
    private const string Extension = ".journal";
    private const string SpareExtension = ".spare";

    private readonly Lock gate = new();
    private readonly Queue<JournalSegment> segments = new();
    private JournalSegment? current;
    // The next segment, made ready off the call path (by the writer, after a release: the oldest segment it let go,
    // zeroed, else a new file) so that a rotation on the call path is a rename, not a file creation under the lock.
    private JournalSegment? spare;
    private bool preparingSpare;
    private FileStream? lockFile;
    private long nextNumber;
    private bool open;

    /// <summary>When a segment may next be tried after making one failed (<see cref="Environment.TickCount64"/>).</summary>
    private long retryAt;

    /// <summary>Whether making a segment failed last time: logged once when it starts and once when it ends.</summary>
    private bool failing;

    /// <summary>When a failure to make a segment may be logged again.</summary>
    private long logAgainAt;

    private long skippedLines;

    public string Folder => folder;

    /// <summary>
    /// The size of a segment file, allocated when it is made: its seal size and room for the lines of calls that end
    /// while no next segment can be made (a full disk). A line that does not fit starts the next one.
    /// </summary>
    internal long SegmentBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>
    /// A segment takes no new lines once this large, so that it can go as soon as its calls are stored (busy or
    /// quiet): the journal holds a few of these, not one that grows while any call in it is pending.
    /// </summary>
    internal long SealBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long after a segment could not be made (a full disk) the next try waits.</summary>
    internal TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Lines that found no room (no segment could be made): their calls were not protected against a crash.</summary>
    public long SkippedLines => Interlocked.Read(ref skippedLines);

    /// <summary>Whether the last try to make a segment failed: lines go on into the current one while it has room.</summary>
    public bool Failing
    {
        get
        {
            lock (gate)
            {
                return failing;
            }
        }
    }

    /// <summary>
    /// Takes the folder for this process and answers the segments a previous process left, oldest first, for
    /// replay. They stay on disk until <see cref="Delete"/>.
    /// </summary>
    public IReadOnlyList<string> Open()
    {
        Directory.CreateDirectory(folder);
        try
        {
            lockFile = new FileStream(Path.Combine(folder, "journal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The usage journal folder '{folder}' is in use by another host; give each host its own (Gateway:JournalFolder).", e);
        }
        // A spare was never written to.
        Delete(Directory.GetFiles(folder, "*" + SpareExtension));
        var left = Directory.GetFiles(folder, "*" + Extension).Order(StringComparer.Ordinal).ToList();
        nextNumber = left.Count == 0 ? 1 : long.Parse(Path.GetFileNameWithoutExtension(left[^1])) + 1;
        lock (gate)
        {
            open = true;
            // A full disk does not stop the host: it serves, and the next line tries again.
            TryRotate();
        }
        return left;
    }

    public static void Delete(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Records an admitted call; answers the segment that holds it until <see cref="Release"/>, or null when the line
    /// found no room (a full disk): the call goes on, unprotected.
    /// </summary>
    public JournalSegment? Admit(UsageEvent provisional)
    {
        var line = new JournalRecord(JournalKind.Admitted, provisional).Encode();
        JournalSegment? segment;
        long offset;
        lock (gate)
        {
            EnsureOpen();
            (segment, offset) = Reserve(line.Length);
            if (segment is not null)
            {
                Interlocked.Increment(ref segment.Pending);
            }
        }
        if (Write(segment, line, offset))
        {
            return segment;
        }
        Release(segment);
        return null;
    }

    /// <summary>
    /// Records a call's final event; the call's segment stays until the event is in the database. Answers the segment
    /// the line went into, or null when it is in none: no room (a full disk), or its admission found none, so that no
    /// segment holds this line (one not held could be recycled under it).
    /// </summary>
    public JournalSegment? Complete(UsageEvent usage, JournalSegment? admittedIn) =>
        admittedIn is null ? null : Append(new JournalRecord(JournalKind.Completed, usage));

    /// <summary>Records that an admitted call ends without an event, and lets its segment go.</summary>
    public void Void(JournalSegment? admittedIn, UsageEvent provisional)
    {
        Append(new JournalRecord(JournalKind.Voided, provisional));
        Release(admittedIn);
    }

    /// <summary>
    /// The <paramref name="calls"/> admitted into <paramref name="segment"/> need their lines no more (their events are
    /// stored).
    /// </summary>
    public void Release(JournalSegment? segment, int calls = 1)
    {
        if (segment is null || Interlocked.Add(ref segment.Pending, -calls) != 0)
        {
            return;
        }
        List<JournalSegment>? done;
        lock (gate)
        {
            // A journal gone quiet lets its last segment go too.
            if (segment == current && segment.Pending == 0 && segment.Length >= SealBytes)
            {
                TryRotate();
            }
            done = TakeDone();
        }
        // Zeroing, unmapping and unlinking take longer than anything on the call path: not under the lock.
        PrepareSpare(done);
    }

    private JournalSegment? Append(JournalRecord record)
    {
        var line = record.Encode();
        JournalSegment? segment;
        long offset;
        lock (gate)
        {
            EnsureOpen();
            (segment, offset) = Reserve(line.Length);
        }
        // Safe after the lock: this call's own admission holds its segment, and no newer segment goes before it.
        return Write(segment, line, offset) ? segment : null;
    }

    /// <summary>
    /// The files of the segments in the journal, oldest first, to read lines back while it runs: a line a call wrote
    /// before this is in one of them, as long as that call's admission holds its segment.
    /// </summary>
    public IReadOnlyList<string> SegmentPaths()
    {
        lock (gate)
        {
            return [.. segments.Select(s => s.Path)];
        }
    }

    private void EnsureOpen()
    {
        if (!open)
        {
            throw new InvalidOperationException("The usage journal is not open.");
        }
    }

    /// <summary>
    /// Reserves room for a line in the current segment, starting the next one first when it is sealed or full; no
    /// segment (and the line counted as skipped) when none has room. Called under the lock.
    /// </summary>
    private (JournalSegment? Segment, long Offset) Reserve(int length)
    {
        if (current is null || current.Length >= SealBytes || current.Length + length > current.Capacity)
        {
            TryRotate(length);
        }
        if (current is null || current.Length + length > current.Capacity)
        {
            Interlocked.Increment(ref skippedLines);
            return (null, 0);
        }
        var offset = current.Length;
        current.Length += length;
        return (current, offset);
    }

    /// <summary>Copies the line into its reserved place; false when there is none or the copy failed.</summary>
    private bool Write(JournalSegment? segment, ReadOnlyMemory<byte> line, long offset)
    {
        if (segment is null)
        {
            return false;
        }
        try
        {
            segment.Write(line.Span, offset);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The call goes on: its event still reaches the database behind it, it only loses its crash insurance.
            Interlocked.Increment(ref skippedLines);
            LogWriteFailed(logger, e, segment.Path);
            return false;
        }
    }

    /// <summary>On a graceful stop, after the recorder has drained: what nothing needs is deleted.</summary>
    public void Dispose()
    {
        List<JournalSegment>? done;
        lock (gate)
        {
            if (current is not null)
            {
                current.Sealed = true;
                current = null;
            }
            open = false;
            done = TakeDone();
            if (spare is not null)
            {
                (done ??= []).Add(spare);
                spare = null;
            }
            foreach (var segment in segments)
            {
                segment.Dispose();
            }
        }
        DeleteSegments(done);
        lockFile?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing to the usage journal {Path} failed.")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, string path);
}
