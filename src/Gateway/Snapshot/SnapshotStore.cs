using FrontierGateway.Data;
using FrontierGateway.Gateway.Inference;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// Holds the current <see cref="GatewaySnapshot"/>. Loads it before the server listens and refreshes the
/// part a committed change touched before that change's caller is answered.
/// </summary>
internal sealed class SnapshotStore : IHostedService
{
    private readonly SemaphoreSlim writer = new(1, 1);
    private readonly SnapshotLoader loader;
    private readonly ProxyConfigUpdater proxy;
    private volatile GatewaySnapshot current = GatewaySnapshot.Empty;
    private volatile bool loaded;

    public SnapshotStore(SnapshotLoader loader, ProxyConfigUpdater proxy, DataChanges changes)
    {
        this.loader = loader;
        this.proxy = proxy;
        changes.Subscribe(ApplyAsync);
    }

    public GatewaySnapshot Current => current;

    /// <summary>Whether the whole snapshot has been loaded (a change applied before that refreshes only a part).</summary>
    public bool IsLoaded => loaded;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            var endpoints = await loader.LoadEndpointsAsync(cancellationToken);
            current = new GatewaySnapshot(await loader.LoadKeysAsync(cancellationToken),
                await loader.LoadGroupsAsync(cancellationToken), endpoints);
            proxy.Update(endpoints.Values);
            loaded = true;
        }
        finally
        {
            writer.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ApplyAsync(ChangeSet change, CancellationToken ct)
    {
        await writer.WaitAsync(ct);
        try
        {
            var next = current;
            if (change.KeyPrefixes.Count > 0)
            {
                next = next with { Keys = await loader.RefreshKeysAsync(next.Keys, change.KeyPrefixes, ct) };
            }
            if (change.GroupIds.Count > 0)
            {
                // Effective limits flow down the tree, so a group change can touch every descendant.
                next = next with { Groups = await loader.LoadGroupsAsync(ct) };
            }
            if (change.Endpoints)
            {
                next = next with { Endpoints = await loader.LoadEndpointsAsync(ct) };
                proxy.Update(next.Endpoints.Values);
            }
            current = next;
        }
        finally
        {
            writer.Release();
        }
    }
}
