using System.Globalization;
using System.Text;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Portal.Access;

namespace FrontierGateway.Portal.Components.Pages.Billing;

/// <summary><c>GET /billing/events.csv</c>: the events query of the pull API, as a CSV download for operators.</summary>
internal static class EventsCsv
{
    public const string Path = "/billing/events.csv";

    public static void MapEventsCsv(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, WriteAsync).RequireAuthorization(PortalPolicies.AdminOrViewer);

    private static async Task WriteAsync(HttpContext context, EventQueryService events, string? start_time,
        string? end_time, string? external_entity_id, string? api_key_prefix)
    {
        var response = context.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = "attachment; filename=\"usage-events.csv\"";
        await response.WriteAsync("idempotency_key,timestamp,request_id,model_slug,external_entity_id,api_key_prefix,"
            + "input_tokens,output_tokens,cached_input_tokens,request_metadata\n");
        string? cursor = null;
        do
        {
            var page = await events.ListAsync(cursor is null
                ? new EventQueryInput(start_time, end_time, external_entity_id, api_key_prefix, "1000", null)
                : new EventQueryInput(null, null, null, null, "1000", cursor), context.RequestAborted);
            var lines = new StringBuilder();
            foreach (var e in page.Items)
            {
                lines.AppendJoin(',', Field(e.IdempotencyKey), Field(e.Timestamp), Field(e.RequestId), Field(e.ModelSlug),
                    Field(e.ExternalEntityId), Field(e.ApiKeyPrefix), Number(e.Tokens.InputTokens), Number(e.Tokens.OutputTokens),
                    Number(e.Tokens.CachedInputTokens), Field(e.RequestMetadata?.ToJsonString() ?? "")).Append('\n');
            }
            await response.WriteAsync(lines.ToString());
            cursor = page.Cursor;
        }
        while (cursor is not null);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting; a leading formula character is escaped so spreadsheets do not evaluate it.</summary>
    internal static string Field(string value)
    {
        // A spreadsheet reads a cell starting with these as a formula (OWASP's list: a tab or CR first too).
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
