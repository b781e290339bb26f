namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// What follows the snapshot's endpoints outside it: the proxy's clusters (<c>ProxyConfigUpdater</c>). Told each new
/// set as the store takes it in. Declared here, so that the snapshot knows nothing of the proxy it feeds.
/// </summary>
internal interface IEndpointListener
{
    void Update(IEnumerable<EndpointRoute> endpoints);
}
