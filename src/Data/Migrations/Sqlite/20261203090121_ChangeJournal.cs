using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FrontierGateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChangeJournal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Changes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    GroupIds = table.Column<string>(type: "TEXT", nullable: true),
                    KeyPrefixes = table.Column<string>(type: "TEXT", nullable: true),
                    Endpoints = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Changes", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Changes_At",
                table: "Changes",
                column: "At");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Changes");
        }
    }
}
