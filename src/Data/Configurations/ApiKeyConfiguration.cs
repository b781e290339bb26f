using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FrontierGateway.Data.Configurations;

internal sealed class CustomerApiKeyConfiguration : IEntityTypeConfiguration<CustomerApiKey>
{
    public void Configure(EntityTypeBuilder<CustomerApiKey> builder)
    {
        builder.HasKey(k => k.Prefix);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.Property(k => k.Name).HasMaxLength(255);
        // The audit log's actor, as long as its column.
        builder.Property(k => k.RevokedBy).HasMaxLength(320);
        builder.HasIndex(k => k.GroupId);
        // A revoked key is gone for every query that does not ask for it with IgnoreQueryFilters().
        builder.HasQueryFilter(k => k.RevokedAt == null);
        builder.HasOne<Group>().WithMany().HasForeignKey(k => k.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WorkspaceApiKeyConfiguration : IEntityTypeConfiguration<WorkspaceApiKey>
{
    public void Configure(EntityTypeBuilder<WorkspaceApiKey> builder)
    {
        builder.HasKey(k => k.Prefix);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.Property(k => k.Name).HasMaxLength(255);
        builder.Property(k => k.Scope).HasConversion<string>().HasMaxLength(8);
        builder.HasQueryFilter(k => k.RevokedAt == null);
    }
}
