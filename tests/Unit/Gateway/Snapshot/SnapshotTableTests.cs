using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

public sealed class SnapshotTableTests
{
    [Fact]
    public void With_RandomSetsAndRemovesPastTheFold_ReadsAsADictionary()
    {
        var random = new Random(7);
        var model = Enumerable.Range(0, 500).Select(i => $"grp_{i}").ToDictionary(id => id, Policy);
        var sut = SnapshotTable<GroupPolicy>.From(model);
        var folded = false;

        for (var step = 0; step < 600; step++)
        {
            var set = Enumerable.Range(0, random.Next(4)).Select(_ => $"grp_{random.Next(700)}").Distinct()
                .ToDictionary(id => id, Policy);
            var removed = Enumerable.Range(0, random.Next(3)).Select(_ => $"grp_{random.Next(700)}")
                .Where(id => !set.ContainsKey(id)).ToList();
            var pending = sut.PendingCount;
            sut = sut.With(set, removed);
            folded |= sut.PendingCount < pending;
            foreach (var (id, policy) in set)
            {
                model[id] = policy;
            }
            removed.ForEach(id => model.Remove(id));

            Assert.Equal(model.Count, sut.Count);
            Assert.Equal(model.Keys.Order(), sut.Keys.Order());
            for (var i = 0; i < 700; i++)
            {
                var id = $"grp_{i}";
                Assert.Equal(model.TryGetValue(id, out var expected), sut.TryGetValue(id, out var actual));
                Assert.Same(expected, actual);
            }
        }
        Assert.True(folded, "the pending changes were never folded into the frozen table");
    }

    [Fact]
    public void With_ChangedEntries_LeavesTheTableItWasMadeFromAsItWas()
    {
        var sut = SnapshotTable<GroupPolicy>.From([KeyValuePair.Create("a", Policy("a")), KeyValuePair.Create("b", Policy("b"))]);
        var a = sut["a"];

        var next = sut.With([KeyValuePair.Create("c", Policy("c"))], ["a"]);

        Assert.Same(a, sut["a"]);
        Assert.False(sut.ContainsKey("c"));
        Assert.False(next.ContainsKey("a"));
        Assert.Equal(["b", "c"], next.Keys.Order());
    }

    private static GroupPolicy Policy(string id) =>
        new(id, "ext-" + id, [], id);
}
