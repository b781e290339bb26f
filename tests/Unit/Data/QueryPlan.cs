using System.Text.RegularExpressions;
using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>SQLite's plan for a query EF builds: the lines of <c>EXPLAIN QUERY PLAN</c>, e.g. "SEARCH u USING INDEX ...".</summary>
internal static partial class QueryPlan
{
    public static async Task<List<string>> ExplainAsync<T>(FrontierDbContext db, IQueryable<T> query)
    {
        // ToQueryString starts with a ".param set @name value" line per parameter, then the SQL.
        var lines = query.ToQueryString().Split('\n');
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        foreach (var match in lines.Select(l => Param().Match(l)).Where(m => m.Success))
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = match.Groups[1].Value;
            parameter.Value = match.Groups[2].Value.Trim('\'');
            command.Parameters.Add(parameter);
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }
        return plan;
    }

    [GeneratedRegex(@"^\.param set (@\w+) (.*)$")]
    private static partial Regex Param();
}
