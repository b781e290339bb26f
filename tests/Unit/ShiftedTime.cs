namespace FrontierGateway.Tests.Unit;

/// <summary>Real time moved by an offset: timers still run, and a test can jump to just before midnight.</summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Sets the offset so that the clock reads <paramref name="target"/> now.</summary>
    public void Set(DateTimeOffset target) => Offset = target - System.GetUtcNow();
}
