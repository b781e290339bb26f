using FrontierGateway.Data.Paging;

namespace FrontierGateway.Gateway.Management;

public sealed record PaginationView(bool HasMore, string? Cursor);

public sealed record ListView<T>(IReadOnlyList<T> Items, PaginationView Pagination)
{
    public static ListView<T> Of(Page<T> page) => new(page.Items, new PaginationView(page.HasMore, page.Cursor));
}
