namespace FrontierGateway.Data.Entities;

/// <summary>
/// A background job that must run on one host at a time (the webhook batcher, the retention pruner) holds its
/// lease while it works and renews it; a host that dies lets it go when <see cref="Until"/> passes.
/// </summary>
public sealed class Lease
{
    public const int OwnerLength = 128;

    public required string Name { get; set; }
    public required string Owner { get; set; }
    public DateTime Until { get; set; }
}
