using FrontierGateway.Portal.Components.Pages.Audit;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Audit;

public sealed class JsonDiffTests
{
    [Fact]
    public void Changes_NestedValueChanged_ListsOnlyThatPath()
    {
        var sut = JsonDiff.Changes(
            """{"slug":"a/b","targets":[{"provider":"OPENAI","target_model":"m1"}]}""",
            """{"slug":"a/b","targets":[{"provider":"OPENAI","target_model":"m2"}]}""");

        var change = Assert.Single(sut);
        Assert.Equal(("targets[0].target_model", "\"m1\"", "\"m2\""), (change.Path, change.Before, change.After));
    }

    [Fact]
    public void Changes_TargetAdded_ListsItsFieldsAsAdded()
    {
        var sut = JsonDiff.Changes("""{"targets":[{"provider":"SIMULATED"}]}""",
            """{"targets":[{"provider":"SIMULATED"},{"provider":"OPENAI"}]}""");

        Assert.Equal(new JsonChange("targets[1].provider", null, "\"OPENAI\""), Assert.Single(sut));
    }

    [Fact]
    public void Pretty_NotJson_ReturnsTheTextAsIs() => Assert.Equal("not json", JsonDiff.Pretty("not json"));
}
