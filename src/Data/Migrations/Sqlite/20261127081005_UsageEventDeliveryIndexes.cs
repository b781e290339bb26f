using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FrontierGateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageEventDeliveryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UsageEvents_DeliveryId",
                table: "UsageEvents");

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_DeliveryId",
                table: "UsageEvents",
                column: "DeliveryId",
                filter: "\"DeliveryId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_Undelivered",
                table: "UsageEvents",
                columns: new[] { "Timestamp", "IdempotencyKey" },
                filter: "\"DeliveryId\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UsageEvents_DeliveryId",
                table: "UsageEvents");

            migrationBuilder.DropIndex(
                name: "IX_UsageEvents_Undelivered",
                table: "UsageEvents");

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_DeliveryId",
                table: "UsageEvents",
                column: "DeliveryId");
        }
    }
}
