using System.Text.Json;
using FrontierGateway.Data;
using FrontierGateway.Data.Pricing;

namespace FrontierGateway.Tests.Unit.Data.Pricing;

public sealed class ModelPriceTests
{
    [Fact]
    public void CostOf_InputAndOutputPrices_ExactDecimalPerMillion()
    {
        var sut = new ModelPrice("USD", 3.00m, 15.00m);

        var cost = sut.CostOf(inputTokens: 1234, outputTokens: 567);

        // 1234 × 3 + 567 × 15 = 12207 per million.
        Assert.Equal(0.012207m, cost);
        Assert.Equal("0.012207", ModelPrice.Format(cost));
    }

    [Fact]
    public void CostOf_ManySmallCalls_SumEqualsOneCallOfTheirTokens_NoFloatingPointDrift()
    {
        var sut = new ModelPrice("EUR", 0.1m, 0.2m);

        var sum = Enumerable.Range(0, 1000).Aggregate(0m, (total, _) => total + sut.CostOf(1, 1));

        Assert.Equal(sut.CostOf(1000, 1000), sum);
        Assert.Equal(0.0003m, sum);
        // The same in double is not exact: what decimal arithmetic is for.
        Assert.NotEqual(0.0003, Enumerable.Range(0, 1000).Aggregate(0d, (total, _) => total + (0.1 + 0.2) / 1_000_000));
    }

    [Fact]
    public void CostOf_SixDecimalPriceAndHugeCall_NotRounded()
    {
        var sut = new ModelPrice("USD", 0.000001m, 999_999.999999m);

        var cost = sut.CostOf(inputTokens: 1, outputTokens: 1_000_000_000_000);

        Assert.Equal(999_999_999_999.000000000001m, cost);
    }

    [Fact]
    public void CostOf_FreeModel_Zero()
    {
        Assert.Equal("0", ModelPrice.Format(new ModelPrice("USD", 0m, 0m).CostOf(100, 100)));
    }

    [Theory]
    [InlineData("""{"currency":"usd","input_per_million":"1","output_per_million":"1"}""", "price.currency")]
    [InlineData("""{"currency":"DOLLARS","input_per_million":"1","output_per_million":"1"}""", "price.currency")]
    [InlineData("""{"currency":7,"input_per_million":"1","output_per_million":"1"}""", "price.currency")]
    [InlineData("""{"input_per_million":"1","output_per_million":"1"}""", "price.currency")]
    [InlineData("""{"currency":"USD","input_per_million":"-1","output_per_million":"1"}""", "price.input_per_million")]
    [InlineData("""{"currency":"USD","input_per_million":"1","output_per_million":"abc"}""", "price.output_per_million")]
    [InlineData("""{"currency":"USD","input_per_million":"1","output_per_million":true}""", "price.output_per_million")]
    [InlineData("""{"currency":"USD","input_per_million":"1"}""", "price.output_per_million")]
    [InlineData("""{"currency":"USD","input_per_million":"0.0000001","output_per_million":"1"}""", "price.input_per_million")]
    [InlineData("""{"currency":"USD","input_per_million":"1e3","output_per_million":"1"}""", "price.input_per_million")]
    [InlineData("""{"currency":"USD","input_per_million":"1000001","output_per_million":"1"}""", "price.input_per_million")]
    [InlineData("\"3.00\"", "price")]
    public void Parse_BadPrice_NamesTheField(string json, string param)
    {
        var e = Assert.Throws<DomainException>(() => PriceParser.Parse(JsonDocument.Parse(json).RootElement));

        Assert.Equal((400, param), (e.Status, e.Param));
        Assert.Contains(param, e.Message);
    }

    [Fact]
    public void Parse_StringsAndNumbers_ReadAsExactDecimals()
    {
        var (keep, price) = PriceParser.Parse(JsonDocument.Parse(
            """{"currency":"USD","input_per_million":0.1,"output_per_million":"15.500000"}""").RootElement);

        Assert.False(keep);
        Assert.Equal(new ModelPrice("USD", 0.1m, 15.5m), price);
    }

    [Fact]
    public void Parse_AbsentKeeps_NullClears()
    {
        Assert.Equal((true, (ModelPrice?)null), PriceParser.Parse(default(JsonElement)));
        Assert.Equal((false, (ModelPrice?)null), PriceParser.Parse(JsonDocument.Parse("null").RootElement));
    }
}
