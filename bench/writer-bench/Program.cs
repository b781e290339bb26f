// The usage writer's sustained rows/s on SQLite and PostgreSQL, interleaved over rounds (bench/writer.sh runs it).
//
//   writer-bench [--events 200000] [--rounds 3] [--batch <Gateway:UsageBatchSize default>]
//                [--postgres "Host=127.0.0.1;Port=5432;Username=postgres"] [--out writer.env]
//
// Without --postgres only SQLite is measured. Every run gets a fresh database, migrated by the host's own AddData()
// and start-up step, then a warm-up of a few batches and the timed events. Rounds alternate the order of the
// providers (A B, B A, ...) so that a drift of the machine does not favour either.
using System.Globalization;
using FrontierGateway.Bench.WriterBench;
using FrontierGateway.Data;
using FrontierGateway.Gateway;

var events = 200_000;
var rounds = 3;
var batch = new GatewayOptions().UsageBatchSize;
string? postgres = null;
string? outFile = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i++])
    {
        case "--events": events = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = value; break;
        case "--out": outFile = value; break;
        default: throw new ArgumentException($"unknown argument {args[i - 1]}");
    }
}

DataProvider[] providers = postgres is null ? [DataProvider.Sqlite] : [DataProvider.Sqlite, DataProvider.Postgres];
var warmup = UsageEvents.Make(batch * 4);
var timed = UsageEvents.Make(events);
var results = providers.ToDictionary(p => p, _ => new List<double>());
Console.WriteLine($"writer-bench: {events:N0} events a run in batches of {batch} (one transaction each), {rounds} rounds");
for (var round = 1; round <= rounds; round++)
{
    foreach (var provider in round % 2 == 1 ? providers : providers.Reverse())
    {
        var run = await WriterRun.MeasureAsync(provider, postgres, warmup, timed, batch);
        results[provider].Add(run.RowsPerSecond);
        Console.WriteLine($"round {round}  {provider,-8} {timed.Count:N0} rows in {run.Seconds:F2} s: {run.RowsPerSecond:N0} rows/s");
    }
}

var medians = results.ToDictionary(r => r.Key, r => Median(r.Value));
foreach (var (provider, median) in medians)
{
    Console.WriteLine($"median {provider,-8} {median:N0} rows/s");
}
double? ratio = medians.TryGetValue(DataProvider.Postgres, out var pg) ? pg / medians[DataProvider.Sqlite] : null;
if (ratio is not null)
{
    Console.WriteLine($"PostgreSQL / SQLite: {ratio:F2}x");
}
if (outFile is not null)
{
    var lines = new List<string> { $"events={events}", $"batch={batch}", $"rounds={rounds}" };
    foreach (var (provider, values) in results)
    {
        var name = provider.ToString().ToLowerInvariant();
        lines.Add(FormattableString.Invariant($"{name}_rows_per_s={medians[provider]:F0}"));
        lines.Add($"{name}_rounds={string.Join(' ', values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}");
    }
    if (ratio is not null)
    {
        lines.Add(FormattableString.Invariant($"ratio={ratio:F3}"));
    }
    await File.AppendAllLinesAsync(outFile, lines);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
