using FrontierGateway.Data;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>The in-process change bus: what one host does with a committed change.</summary>
public sealed class DataChangesTests
{
    private readonly LogCapture logged = new();
    private readonly DataChanges sut;

    public DataChangesTests() => sut = new DataChanges(new LoggerFactory([logged]).CreateLogger<DataChanges>());

    [Fact]
    public async Task PublishAsync_RunsEveryHandlerBeforeItReturns()
    {
        var seen = new List<string>();
        sut.Subscribe((change, _) => { seen.Add("first " + change.KeyPrefixes[0]); return Task.CompletedTask; });
        sut.Subscribe(async (change, _) => { await Task.Yield(); seen.Add("second " + change.KeyPrefixes[0]); });

        await sut.PublishAsync(ChangeSet.Keys("k1"));

        Assert.Equal(["first k1", "second k1"], seen);
    }

    [Fact]
    public async Task PublishAsync_CallerGivesUp_TheRefreshStillRunsToTheEnd()
    {
        var gate = new TaskCompletionSource();
        var finished = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Subscribe(async (_, ct) =>
        {
            await gate.Task;
            finished.SetResult(ct.IsCancellationRequested);
        });
        using var caller = new CancellationTokenSource();

        var publishing = sut.PublishAsync(ChangeSet.Keys("k1"), caller.Token);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishing);
        gate.SetResult();

        // The handler ran to its end, and its own token was never cancelled by the caller's.
        Assert.False(await finished.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task PublishAsync_AHandlerFails_TheOthersRunAndTheFailureIsLoggedNotThrown()
    {
        var seen = new List<string>();
        sut.Subscribe((_, _) => throw new InvalidOperationException("the snapshot's read failed"));
        sut.Subscribe((change, _) => { seen.Add(change.KeyPrefixes[0]); return Task.CompletedTask; });

        await sut.PublishAsync(ChangeSet.Keys("k1"));

        Assert.Equal(["k1"], seen);
        var warning = Assert.Single(logged.Messages);
        Assert.StartsWith("Warning FrontierGateway.Data.DataChanges: Applying a committed change (0 groups, 1 keys", warning);
    }

    [Fact]
    public async Task DeliverAsync_AHandlerFails_Throws()
    {
        // Another host's change: its bus logs the failure, and the catch-up applies it.
        sut.Subscribe((_, _) => throw new InvalidOperationException("the snapshot's read failed"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.DeliverAsync(ChangeSet.Keys("k1"), CancellationToken.None));
    }
}
