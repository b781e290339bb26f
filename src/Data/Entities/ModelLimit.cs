using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Entities;

public enum LimitKind { Rate, Usage }

[JsonConverter(typeof(WireEnumConverter<LimitType>))]
public enum LimitType { Token, Request }

[JsonConverter(typeof(WireEnumConverter<LimitUnit>))]
public enum LimitUnit { Second, Minute, Day }

public sealed class ModelLimit
{
    public int Id { get; set; }
    public int GroupModelId { get; set; }
    public LimitKind Kind { get; set; }
    public LimitType Type { get; set; }
    public LimitUnit Unit { get; set; }
    public long Threshold { get; set; }
}
