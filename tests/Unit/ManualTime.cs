namespace FrontierGateway.Tests.Unit;

/// <summary>A clock that moves only when the test moves it.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    /// <summary>A whole second, so that seconds-based buckets line up with the test's arithmetic.</summary>
    public static readonly DateTimeOffset Start = new(2026, 5, 13, 12, 0, 0, TimeSpan.Zero);

    public ManualTime() : this(Start)
    {
    }

    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;

    public void AdvanceSeconds(double seconds) => Now += TimeSpan.FromSeconds(seconds);
}
