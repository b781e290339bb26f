using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FrontierGateway.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PricesAndRequestLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "Cost",
                table: "UsageEvents",
                type: "numeric(28,12)",
                precision: 28,
                scale: 12,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CostCurrency",
                table: "UsageEvents",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<decimal>(
                name: "InputPricePerMillion",
                table: "Endpoints",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "OutputPricePerMillion",
                table: "Endpoints",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PriceCurrency",
                table: "Endpoints",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "RequestLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Timestamp = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    KeyPrefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    GroupId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    Slug = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    LatencyMicroseconds = table.Column<long>(type: "bigint", nullable: false),
                    InputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    RefusedLimit = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    RefusedSourceGroupId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true, collation: "C"),
                    Error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestLog", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RequestLog_GroupId_Timestamp",
                table: "RequestLog",
                columns: new[] { "GroupId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_RequestLog_Slug_Timestamp",
                table: "RequestLog",
                columns: new[] { "Slug", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_RequestLog_Timestamp",
                table: "RequestLog",
                column: "Timestamp");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RequestLog");

            migrationBuilder.DropColumn(
                name: "Cost",
                table: "UsageEvents");

            migrationBuilder.DropColumn(
                name: "CostCurrency",
                table: "UsageEvents");

            migrationBuilder.DropColumn(
                name: "InputPricePerMillion",
                table: "Endpoints");

            migrationBuilder.DropColumn(
                name: "OutputPricePerMillion",
                table: "Endpoints");

            migrationBuilder.DropColumn(
                name: "PriceCurrency",
                table: "Endpoints");
        }
    }
}
