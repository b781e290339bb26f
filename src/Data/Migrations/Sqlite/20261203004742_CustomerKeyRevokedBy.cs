using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FrontierGateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CustomerKeyRevokedBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "CustomerApiKeys",
                type: "TEXT",
                maxLength: 320,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RevokedBy",
                table: "CustomerApiKeys");
        }
    }
}
