namespace FrontierGateway.Gateway.Metering;

/// <summary>The tokens of one call, as the upstream reported them or as the gateway counted them.</summary>
public readonly record struct TokenUsage(long Input, long Output, long Cached)
{
    public long Total => Input + Output;
}
