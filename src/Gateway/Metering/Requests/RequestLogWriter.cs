using System.Data.Common;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

/// <summary>
/// Writes the <see cref="RequestLog"/>'s rows in batches, off the request path: a batch is written when it is full or
/// when its first row has waited <see cref="RequestLogOptions.FlushMilliseconds"/>. On a graceful shutdown it writes
/// what is queued. A batch the database refuses is dropped and counted (the log is best effort; billing is the usage
/// events' job), so a database outage cannot make the queue, or memory, grow.
/// </summary>
internal sealed partial class RequestLogWriter(RequestLog log, IDbContextFactory<FrontierDbContext> dbFactory,
    IOptions<RequestLogOptions> options, TimeProvider time, ILogger<RequestLogWriter> logger) : BackgroundService
{
    private readonly int batchSize = options.Value.BatchSize;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<RequestLogEntry>(batchSize);
        // Ends when the queue is completed (shutdown) and empty.
        while (await log.WaitToReadAsync(CancellationToken.None))
        {
            // The first row is in: the batch gets the flush interval to fill, unless it fills (or the log closes) before.
            await log.WaitForBatchAsync(TimeSpan.FromMilliseconds(options.Value.FlushMilliseconds), time);
            while (batch.Count < batchSize && log.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            await WriteAsync(batch);
            batch.Clear();
        }
    }

    internal async Task WriteAsync(List<RequestLogEntry> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            // Polite between rows unless the queue has a full batch waiting (its backlog is memory).
            await PreparedInsert.InsertAsync(db, batch, yieldBetweenRows: log.Queued < batchSize);
            await transaction.CommitAsync();
        }
        catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException)
        {
            log.CountDropped(batch.Count);
            LogWriteFailed(logger, e, batch.Count, log.Dropped);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Writing {Count} request log rows failed; they are dropped ({Dropped} dropped since start). Usage events are not affected.")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int count, long dropped);
}
