using FrontierGateway.Data;

namespace FrontierGateway.Tests.Unit;

/// <summary><see cref="GatewayFactory"/> on PostgreSQL: the class fixture of a suite's <c>OnPostgres</c> half.</summary>
public sealed class PostgresGatewayFactory() : GatewayFactory(DataProvider.Postgres);
