namespace FrontierGateway.Data;

/// <summary>Adds what a fresh database should hold; runs after migrations, in registration order.</summary>
public interface IDataSeeder
{
    Task SeedAsync(CancellationToken ct);
}
