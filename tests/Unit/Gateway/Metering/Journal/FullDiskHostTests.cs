using System.Net;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>A host whose usage journal's disk is full serves and meters every call, and says so in <c>/readyz</c>.</summary>
public sealed class FullDiskHostTests
{
    [Fact]
    public async Task JournalDiskFull_CallsAreServedAndMetered_ReadinessDegraded_AndJournaledAgainOnceFreed()
    {
        using var disk = new SmallDisk(16 << 20); // once freed, room for a segment (5 MB) and its spare
        var folder = Path.Combine(disk.Folder, "journal");
        Directory.CreateDirectory(folder);
        disk.Fill();
        await using var gateway = new GatewayFactory();
        gateway.Settings["Gateway:JournalFolder"] = folder;
        var (group, key) = await gateway.CustomerAsync("full-disk");
        var caller = gateway.Caller(key);
        var journal = gateway.Services.GetRequiredService<UsageJournal>();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        var (status, ready) = await gateway.CreateClient().GetJsonAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", ready!["checks"]!["journal"]!["status"]!.GetValue<string>());
        Assert.Equal(5, journal.SkippedLines); // each call's admitted line (its end then has no line either)
        Assert.Empty(Directory.GetFiles(folder, "*.journal"));

        disk.Free();
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the journal tries again a second after a failure
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());

        Assert.Equal(6, (await gateway.EventsAsync(group, atLeast: 6)).Count);
        Assert.Equal(5, journal.SkippedLines);
        var (_, again) = await gateway.CreateClient().GetJsonAsync("/readyz");
        Assert.Equal("Healthy", again!["checks"]!["journal"]!["status"]!.GetValue<string>());
        var records = Directory.GetFiles(folder, "*.journal").SelectMany(f => JournalRecord.ReadAll(File.ReadAllBytes(f)));
        Assert.Contains(records, r => r.Kind == JournalKind.Completed && r.Event.GroupId == group);
    }
}
