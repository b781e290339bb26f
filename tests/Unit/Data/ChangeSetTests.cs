using System.Text.Json;
using FrontierGateway.Data;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>A change as the shared bus carries it between hosts (System.Text.Json, default options).</summary>
public sealed class ChangeSetTests
{
    [Fact]
    public void Json_RevokedKeys_CrossToTheOtherHost()
    {
        var sent = ChangeSet.Keys("key0000000000001", "key0000000000002") with { KeysRevoked = true };

        var received = JsonSerializer.Deserialize<ChangeSet>(JsonSerializer.SerializeToUtf8Bytes(sent))!;

        Assert.True(received.KeysRevoked);
        Assert.Equal(sent.KeyPrefixes, received.KeyPrefixes);
    }

    [Fact]
    public void Json_FromAHostOfAnEarlierBuild_RevokesNothing()
    {
        var received = JsonSerializer.Deserialize<ChangeSet>("""{"GroupIds":[],"KeyPrefixes":["key0000000000001"],"Endpoints":false,"All":false}""")!;

        Assert.False(received.KeysRevoked);
        Assert.Equal(["key0000000000001"], received.KeyPrefixes);
    }
}
