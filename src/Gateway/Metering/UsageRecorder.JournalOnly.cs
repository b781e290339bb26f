using System.Data.Common;
using FrontierGateway.Gateway.Metering.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Metering;

/// <summary>The events the write-behind left in the journal only (<see cref="JournalOnlyEvents"/>), stored from it.</summary>
internal sealed partial class UsageRecorder
{
    /// <summary>
    /// Stores the events left in the journal only, reading the segments their lines are in, and lets their calls'
    /// segments go. New events are queued in memory again from the take on. An event queued meanwhile whose line is in
    /// a segment read here can be stored twice over, which both writes skip (<c>skipExisting</c>).
    /// </summary>
    private async Task StoreJournalOnlyAsync()
    {
        var taken = journalOnly.Take();
        if (taken.WasLeaving)
        {
            LogQueuedAgain(logger, taken.Count);
        }
        try
        {
            var paths = taken.Lines.Select(s => s.Path).Order(StringComparer.Ordinal).ToList();
            var stored = await JournalCatchUp.StoreAsync(dbFactory, paths, CancellationToken.None);
            metrics.RecordRowsWritten(stored);
            LogStoredJournalOnly(logger, stored, taken.Count);
        }
        catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException or IOException)
        {
            journalOnly.PutBack(taken);
            LogWriteFailed(logger, e, taken.Count);
            return;
        }
        foreach (var (segment, calls) in taken.Admissions)
        {
            journal.Release(segment, calls);
        }
        journalOnly.Stored(taken);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The usage queue reached its limit of {Limit} events (Gateway:UsageQueueLimit; the database is slow or down): new events stay in the journal only until the queue has drained, then are stored from it.")]
    private static partial void LogLeaving(ILogger logger, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Stored} usage events from the journal ({Left} had been left there only).")]
    private static partial void LogStoredJournalOnly(ILogger logger, int stored, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage events are queued in memory again; the {Left} left in the journal are stored from it.")]
    private static partial void LogQueuedAgain(ILogger logger, int left);
}
