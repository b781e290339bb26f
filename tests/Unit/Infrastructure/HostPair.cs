using System.Diagnostics;
using System.Net.Http.Headers;
using FrontierGateway.Data;

namespace FrontierGateway.Tests.Unit.Infrastructure;

/// <summary>
/// Two hosts on real Kestrel at 127.0.0.1 sharing one database (a SQLite file in one <c>Data:Folder</c>, or one
/// PostgreSQL database) and, when given, one Redis:
/// a fleet behind a load balancer, in one test process. Each has a journal folder of its own (one host per
/// journal). A starts (and migrates the database) before B.
/// </summary>
public sealed class HostPair : IAsyncDisposable
{
    private readonly string folder = GatewayFactory.NewFolder();

    private readonly TestDatabase database;

    private HostPair(IReadOnlyDictionary<string, string> settings, DataProvider provider)
    {
        database = new TestDatabase(provider, folder);
        A = Host("a", settings);
        B = Host("b", settings);
    }

    public LiveGatewayFactory A { get; }

    public LiveGatewayFactory B { get; }

    /// <param name="settings">Settings of both hosts, e.g. <c>Redis:Configuration</c>.</param>
    /// <param name="provider">The one database both hosts use: a SQLite file in a shared folder, or PostgreSQL.</param>
    public static HostPair Start(IReadOnlyDictionary<string, string> settings, DataProvider provider = DataProvider.Sqlite)
    {
        var pair = new HostPair(settings, provider);
        _ = pair.A.BaseAddress;
        _ = pair.B.BaseAddress;
        return pair;
    }

    private LiveGatewayFactory Host(string name, IReadOnlyDictionary<string, string> settings)
    {
        var host = new LiveGatewayFactory { Folder = folder, KeepFolder = true, SharedDatabase = database };
        host.Settings["Gateway:JournalFolder"] = Path.Combine(folder, "journal-" + name);
        foreach (var (key, value) in settings)
        {
            host.Settings[key] = value;
        }
        return host;
    }

    /// <summary>A customer's client of <paramref name="host"/>, over its real socket.</summary>
    public static HttpClient Caller(LiveGatewayFactory host, string key)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A caller of B once B has heard of the key minted through A (the cheapest call, which counts nowhere).</summary>
    public async Task<HttpClient> CallerKnownToBAsync(string key)
    {
        var onB = Caller(B, key);
        await UntilAsync(async () => (await onB.GetAsync("/v1/models")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "key known to B");
        return onB;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds and answers how long that took; fails the test when it still
    /// does not hold after <paramref name="limit"/>.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"{what}: still not so after {limit.TotalSeconds} s.");
            await Task.Delay(2);
        }
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await database.DisposeAsync();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
