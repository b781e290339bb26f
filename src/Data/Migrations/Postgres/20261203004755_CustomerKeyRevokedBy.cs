using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FrontierGateway.Data.Migrations.Postgres
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
                type: "character varying(320)",
                maxLength: 320,
                nullable: true,
                collation: "C");
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
