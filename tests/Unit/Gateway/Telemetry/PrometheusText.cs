using System.Globalization;
using System.Text;

namespace FrontierGateway.Tests.Unit.Gateway.Telemetry;

/// <summary>One sample of Prometheus's text exposition format: <c>name{label="value",...} 12.5</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A small reader of the text format, enough for the tests: samples, their labels (with escapes) and values.</summary>
public static class PrometheusText
{
    public static List<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var labels = new Dictionary<string, string>();
            var at = line.IndexOfAny(['{', ' ']);
            var name = line[..at];
            if (line[at] == '{')
            {
                at = ReadLabels(line, at + 1, labels);
            }
            // The value, then an optional timestamp.
            var value = line[(at + 1)..].Trim().Split(' ')[0];
            samples.Add(new PrometheusSample(name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }
        return samples;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static double Sum(this IEnumerable<PrometheusSample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
            .Sum(s => s.Value);

    /// <summary>The samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static List<PrometheusSample> Where(this IEnumerable<PrometheusSample> samples, string name,
        params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();

    /// <summary>Reads <c>a="x",b="y"}</c> from <paramref name="at"/>; answers the index just past the closing brace.</summary>
    private static int ReadLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var name = line[at..equals].Trim();
            var value = new StringBuilder();
            var i = equals + 2; // past ="
            for (; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }
            labels[name] = value.ToString();
            at = i + 1;
            if (line[at] == ',')
            {
                at++;
            }
        }
        return at + 1;
    }
}
