using System.Text.Json;
using FrontierGateway.Data;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>A change as the shared bus carries it between hosts (System.Text.Json, default options).</summary>
public sealed class ChangeSetTests
{
    [Fact]
    public void Json_RevokedKeys_CrossToTheOtherHost()
    {
        var sent = new ChangeSet(["grp_a"], ["key0000000000001", "key0000000000002"], false) { Revoked = ["key0000000000001"] };

        var received = JsonSerializer.Deserialize<ChangeSet>(JsonSerializer.SerializeToUtf8Bytes(sent))!;

        Assert.Equal(["key0000000000001"], received.Revoked);
        Assert.Equal(sent.KeyPrefixes, received.KeyPrefixes);
    }

    [Fact]
    public void Json_FromAHostOfAnEarlierBuild_RevokesNothing()
    {
        var received = JsonSerializer.Deserialize<ChangeSet>("""{"GroupIds":[],"KeyPrefixes":["key0000000000001"],"Endpoints":false,"All":false}""")!;

        Assert.Empty(received.Revoked);
        Assert.Equal(["key0000000000001"], received.KeyPrefixes);
    }
}
