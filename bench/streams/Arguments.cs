namespace FrontierGateway.Bench.Streams;

/// <summary>Command-line settings given as <c>--name value</c> pairs.</summary>
internal sealed class Arguments(Dictionary<string, string> values)
{
    public static Arguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (name is null)
            {
                name = arg.StartsWith("--", StringComparison.Ordinal)
                    ? arg[2..] : throw new ArgumentException($"expected --name, got '{arg}'");
            }
            else
            {
                values[name] = arg;
                name = null;
            }
        }
        return name is null ? new Arguments(values) : throw new ArgumentException($"--{name} has no value");
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: streams stub --port P [--chunks 200] [--interval-ms 20]");
        Console.Error.WriteLine("       streams load --url U --streams N --out FILE [--key K] [--chunks 200] [--interval-ms 20]");
        Console.Error.WriteLine("                    [--passes 2] [--ramp-s 2] [--pids p1,p2] [--include-usage false]");
        Console.Error.WriteLine("                    [--warmup-streams 64] [--warmup-s 0]");
        return 2;
    }

    public string Text(string name, string? fallback = null) =>
        values.TryGetValue(name, out var value) ? value
            : fallback ?? throw new ArgumentException($"--{name} is required");

    public int Number(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public double Real(string name, double fallback) =>
        values.TryGetValue(name, out var value) ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name, bool fallback) => values.TryGetValue(name, out var value) ? bool.Parse(value) : fallback;
}
