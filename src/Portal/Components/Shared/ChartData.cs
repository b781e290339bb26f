namespace FrontierGateway.Portal.Components.Shared;

/// <summary>What a <see cref="LiveChart"/> draws: series of values one <see cref="Step"/> apart from <see cref="Start"/>.</summary>
/// <param name="Start">The time of the first value, in Unix milliseconds.</param>
/// <param name="Step">Milliseconds between two values.</param>
public sealed record ChartData(long Start, long Step, IReadOnlyList<ChartSeries> Series);

/// <summary>One line, area or set of bars; a null value is a gap.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);

/// <summary>How a <see cref="LiveChart"/> draws its series.</summary>
public enum ChartKind
{
    Area,
    Line,
    Bar,
}
