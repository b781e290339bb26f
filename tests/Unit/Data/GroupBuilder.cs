using FrontierGateway.Data.Entities;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>Builds in-memory groups for the pure domain rules.</summary>
internal static class GroupBuilder
{
    public static Group Group(string id, LimitEnforcement mode, params GroupModel[] models) =>
        new() { Id = id, ExternalEntityId = id, Enforcement = mode, Models = [.. models] };

    public static GroupModel Model(string slug, params ModelLimit[] limits) =>
        new() { GroupId = "", Slug = slug, Limits = [.. limits] };

    public static ModelLimit TokensPerMinute(long threshold) =>
        new() { Kind = LimitKind.Rate, Type = LimitType.Token, Unit = LimitUnit.Minute, Threshold = threshold };

    public static ModelLimit RequestsPerSecond(long threshold) =>
        new() { Kind = LimitKind.Rate, Type = LimitType.Request, Unit = LimitUnit.Second, Threshold = threshold };

    public static ModelLimit TokensPerDay(long threshold) =>
        new() { Kind = LimitKind.Usage, Type = LimitType.Token, Unit = LimitUnit.Day, Threshold = threshold };
}
