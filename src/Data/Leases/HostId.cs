using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Leases;

/// <summary>This process among the hosts that share one database: the owner named in the leases it holds.</summary>
public sealed class HostId
{
    private readonly string id = $"{Environment.MachineName}/{Environment.ProcessId}/{Ids.Random(8)}";

    /// <summary>The machine, the process and a random part (two hosts in one process, as in tests, differ too).</summary>
    public string Value => id.Length <= Lease.OwnerLength ? id : id[^Lease.OwnerLength..];
}
