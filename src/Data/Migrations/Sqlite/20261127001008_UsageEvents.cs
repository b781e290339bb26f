using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FrontierGateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageEvents",
                columns: table => new
                {
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 26, nullable: false),
                    Timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestMetadata = table.Column<string>(type: "TEXT", nullable: true),
                    ModelSlug = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ExternalEntityId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ApiKeyPrefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CachedInputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Estimated = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageEvents", x => x.IdempotencyKey);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_Timestamp",
                table: "UsageEvents",
                column: "Timestamp");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageEvents");
        }
    }
}
