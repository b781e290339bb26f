using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FrontierGateway.Data.Migrations.Sqlite
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
                type: "TEXT",
                precision: 28,
                scale: 12,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CostCurrency",
                table: "UsageEvents",
                type: "TEXT",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "InputPricePerMillion",
                table: "Endpoints",
                type: "TEXT",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "OutputPricePerMillion",
                table: "Endpoints",
                type: "TEXT",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PriceCurrency",
                table: "Endpoints",
                type: "TEXT",
                maxLength: 3,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RequestLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    KeyPrefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    LatencyMicroseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    RefusedLimit = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RefusedSourceGroupId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
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
