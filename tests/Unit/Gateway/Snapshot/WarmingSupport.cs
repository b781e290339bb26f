using System.Data.Common;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>A database (SQLite or PostgreSQL) and data folder that a first host seeds and a second starts on.</summary>
internal sealed class SharedData : IAsyncDisposable
{
    private readonly string folder = GatewayFactory.NewFolder();
    private readonly TestDatabase database;

    public SharedData(DataProvider provider) => database = new TestDatabase(provider, folder);

    /// <summary>Runs <paramref name="seed"/> on a first host, then stops it.</summary>
    public async Task<T> SeedAsync<T>(Func<GatewayFactory, Task<T>> seed)
    {
        await using var first = Host();
        return await seed(first);
    }

    public GatewayFactory Second() => Host();

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private GatewayFactory Host() => new() { Folder = folder, KeepFolder = true, SharedDatabase = database };
}

/// <summary>
/// Holds every whole read until <see cref="Open"/>: its query of all the groups' limits (the one on that table with
/// no parameter; the whole read swaps nothing in before it ends). Can fail the first held reads, or the first read
/// of one key (the snapshot's read of given keys, told by its tag from the usage writer's read of the keys it last used).
/// </summary>
internal sealed class WholeReadGate : DbCommandInterceptor
{
    private readonly TaskCompletionSource opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int held;
    private int failedKeyReads;
    private int keyReads;
    private int groupReads;

    public int FailHeldReads { get; init; }

    public bool FailOneKeyRead { get; init; }

    public int Held => Volatile.Read(ref held);

    /// <summary>Reads of given keys (the warm-ups').</summary>
    public int KeyReads => Volatile.Read(ref keyReads);

    /// <summary>Reads of given groups (the warm-ups' first query of a group chain).</summary>
    public int GroupReads => Volatile.Read(ref groupReads);

    public void Open() => opened.TrySetResult();

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("FROM \"ModelLimits\"", StringComparison.Ordinal) && command.Parameters.Count == 0)
        {
            var attempt = Interlocked.Increment(ref held);
            await opened.Task.WaitAsync(cancellationToken);
            return attempt <= FailHeldReads ? throw new InvalidOperationException("the test's database refused the whole read") : result;
        }
        if (command.CommandText.Contains("FROM \"Groups\"", StringComparison.Ordinal) && command.Parameters.Count > 0)
        {
            Interlocked.Increment(ref groupReads);
        }
        if (command.CommandText.Contains(SnapshotLoader.KeysByPrefixTag, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref keyReads);
            if (FailOneKeyRead && Interlocked.Increment(ref failedKeyReads) == 1)
            {
                throw new InvalidOperationException("the test's database refused the key's read");
            }
        }
        return result;
    }
}
