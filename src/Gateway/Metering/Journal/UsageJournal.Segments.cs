using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>
/// The journal's segment files: the next one started (the spare when one is ready), made ready off the call path,
/// and let go oldest first; a full disk met where a segment is made, and tried again a second later.
/// </summary>
internal sealed partial class UsageJournal
{
    /// <summary>
    /// Seals the current segment and starts the next (the spare when there is one), with room for <paramref name="room"/>
    /// bytes. When the next cannot be made (a full disk) the current one stays, unsealed, and the next try waits
    /// <see cref="RetryAfter"/>, so that calls on a full disk do not each try to allocate a file. Called under the lock.
    /// </summary>
    private void TryRotate(int room = 0)
    {
        var path = Path.Combine(folder, nextNumber.ToString("D12") + Extension);
        JournalSegment next;
        try
        {
            if (spare is { } ready && ready.Capacity >= room)
            {
                ready.MoveTo(path);
                spare = null;
                next = ready;
            }
            else if (Environment.TickCount64 < retryAt)
            {
                return;
            }
            else
            {
                next = new JournalSegment(path, Math.Max(SegmentBytes, room));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(e);
            return;
        }
        nextNumber++;
        Made();
        if (current is not null)
        {
            current.Sealed = true;
        }
        current = next;
        segments.Enqueue(current);
    }

    /// <summary>
    /// Making a segment failed: the next try waits, and the failure is logged when it starts, at most once a minute (a
    /// disk that is nearly full can fail one segment and take the next). Called under the lock.
    /// </summary>
    private void Failed(Exception e)
    {
        retryAt = Environment.TickCount64 + (long)RetryAfter.TotalMilliseconds;
        if (!failing && Environment.TickCount64 >= logAgainAt)
        {
            LogSegmentFailed(logger, e, folder);
            logAgainAt = Environment.TickCount64 + 60_000;
        }
        failing = true;
    }

    /// <summary>A segment was made: a failure before it is over. Called under the lock.</summary>
    private void Made()
    {
        if (failing)
        {
            failing = false;
            LogSegmentsAgain(logger, folder);
        }
    }

    /// <summary>
    /// Makes the spare segment when there is none, outside the lock: from the first of the segments just let go (of
    /// the usual size), renamed out of the journal and zeroed, else a new file. The others are deleted.
    /// </summary>
    private void PrepareSpare(List<JournalSegment>? done)
    {
        var recycled = done?.Find(d => d.Capacity == SegmentBytes);
        bool prepare;
        lock (gate)
        {
            // A new file only when making one may work again (a full disk is not tried on every release).
            prepare = spare is null && !preparingSpare && open && (recycled is not null || Environment.TickCount64 >= retryAt);
            preparingSpare |= prepare;
        }
        recycled = prepare ? recycled : null;
        DeleteSegments(done?.Where(d => d != recycled));
        if (!prepare)
        {
            return;
        }
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + SpareExtension);
        JournalSegment? made = null;
        try
        {
            if (recycled is null)
            {
                made = new JournalSegment(path, SegmentBytes);
            }
            else
            {
                recycled.MoveTo(path);
                recycled.Reset();
                made = recycled;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (gate)
            {
                Failed(e);
            }
            DeleteSegments(recycled is null ? null : [recycled]);
        }
        lock (gate)
        {
            preparingSpare = false;
            if (made is not null && made != recycled)
            {
                Made();
            }
            if (open)
            {
                (spare, made) = (made, null);
            }
        }
        // The journal was closed meanwhile.
        DeleteSegments(made is null ? null : [made]);
    }

    /// <summary>Takes, oldest first, the sealed segments nothing needs. Called under the lock.</summary>
    private List<JournalSegment>? TakeDone()
    {
        List<JournalSegment>? done = null;
        while (segments.TryPeek(out var oldest) && oldest.Sealed && Volatile.Read(ref oldest.Pending) == 0)
        {
            (done ??= []).Add(segments.Dequeue());
        }
        return done;
    }

    private void DeleteSegments(IEnumerable<JournalSegment>? done)
    {
        foreach (var segment in done ?? [])
        {
            segment.Dispose();
            try
            {
                File.Delete(segment.Path);
            }
            catch (IOException e)
            {
                LogDeleteFailed(logger, e, segment.Path);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting the usage journal segment {Path} failed; a replay would skip its stored events.")]
    private static partial void LogDeleteFailed(ILogger logger, Exception e, string path);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "No usage journal segment could be made in {Folder} (is the disk full?); calls go on, their lines into the current segment while it has room, then unjournaled (kept in memory only until stored). Tried again every second.")]
    private static partial void LogSegmentFailed(ILogger logger, Exception e, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage journal segments can be made in {Folder} again.")]
    private static partial void LogSegmentsAgain(ILogger logger, string folder);
}
