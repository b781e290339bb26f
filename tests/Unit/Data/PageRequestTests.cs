using FrontierGateway.Data;
using FrontierGateway.Data.Paging;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class PageRequestTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    [InlineData("-1")]
    public void Parse_LimitOutOfRange_NamesLimit(string limit) =>
        Assert.Equal("limit", Assert.Throws<DomainException>(() => PageRequest.Parse(limit, null)).Param);

    [Fact]
    public void Parse_EmptyLimitAndCursor_AreTakenAsAbsent()
    {
        var sut = PageRequest.Parse("", "");

        Assert.Equal((PageRequest.DefaultLimit, (string?)null), (sut.Limit, sut.After));
    }

    [Theory]
    [InlineData(" ", null)]
    [InlineData(null, " ")]
    public void Parse_BlankButNotEmpty_NamesTheParameter(string? limit, string? cursor) =>
        Assert.Equal(limit is null ? "cursor" : "limit", Assert.Throws<DomainException>(() => PageRequest.Parse(limit, cursor)).Param);

    [Fact]
    public void Parse_ForeignCursor_NamesCursor() =>
        Assert.Equal("cursor", Assert.Throws<DomainException>(() => PageRequest.Parse(null, "not-a-cursor!")).Param);

    [Fact]
    public void Parse_CursorItIssued_RoundTrips()
    {
        var sut = PageRequest.Parse("5", PageRequest.EncodeCursor("grp_123"));

        Assert.Equal((5, "grp_123"), (sut.Limit, sut.After));
    }
}
