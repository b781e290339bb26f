using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

public sealed class ChangeCursorTests
{
    private static readonly DateTime Start = new(2026, 12, 3, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Settle_IdsWithNoHole_MovesTheFloorToTheLast()
    {
        var sut = new ChangeCursor(10);

        Assert.True(sut.Take(11));
        Assert.True(sut.Take(12));
        Assert.True(sut.Take(13));
        sut.Settle(Start);

        Assert.Equal(13, sut.Floor);
    }

    [Fact]
    public void Take_AnIdAlreadyTakenOrAtTheFloor_IsNotNew()
    {
        var sut = new ChangeCursor(10);
        sut.Take(12);

        Assert.False(sut.Take(12));
        Assert.False(sut.Take(10));
        Assert.False(sut.Take(3));
    }

    [Fact]
    public void Settle_AHoleFilledWithinThePatience_IsTakenAndTheFloorPassesIt()
    {
        // On PostgreSQL id 11 was drawn first and committed last.
        var sut = new ChangeCursor(10);
        sut.Take(12);
        sut.Take(13);
        sut.Settle(Start);
        Assert.Equal(10, sut.Floor);

        sut.Settle(Start + ChangeCursor.Patience / 2);
        Assert.Equal(10, sut.Floor);
        Assert.True(sut.Take(11));
        Assert.False(sut.Take(12));
        sut.Settle(Start + ChangeCursor.Patience / 2);

        Assert.Equal(13, sut.Floor);
    }

    [Fact]
    public void Settle_AHoleOlderThanThePatience_IsGivenUpOn()
    {
        // A rolled-back write's id never comes.
        var sut = new ChangeCursor(10);
        sut.Take(12);
        sut.Take(14);
        sut.Settle(Start);

        sut.Settle(Start + ChangeCursor.Patience);
        Assert.Equal(12, sut.Floor);
        // The next hole is waited for in its turn.
        sut.Settle(Start + ChangeCursor.Patience);
        Assert.Equal(12, sut.Floor);
        sut.Settle(Start + ChangeCursor.Patience * 2);

        Assert.Equal(14, sut.Floor);
        Assert.False(sut.Take(13));
    }
}
