using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FrontierGateway.Data.Configurations;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).HasMaxLength(40);
        builder.Property(g => g.Name).HasMaxLength(255);
        builder.Property(g => g.ExternalEntityId).HasMaxLength(255);
        builder.Property(g => g.Enforcement).HasConversion<string>().HasMaxLength(16);
        // A deleted group is gone for every query that does not ask for it with IgnoreQueryFilters().
        builder.HasQueryFilter(g => g.DeletedAt == null);
        // The external id is unique among live groups only: a delete frees it.
        builder.HasIndex(g => g.ExternalEntityId).IsUnique().HasFilter("\"DeletedAt\" IS NULL");
        builder.HasIndex(g => g.ParentGroupId);
        builder.HasOne(g => g.Parent).WithMany().HasForeignKey(g => g.ParentGroupId)
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(g => g.Models).WithOne().HasForeignKey(m => m.GroupId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupModelConfiguration : IEntityTypeConfiguration<GroupModel>
{
    public void Configure(EntityTypeBuilder<GroupModel> builder)
    {
        builder.Property(m => m.Slug).HasMaxLength(255);
        builder.HasIndex(m => new { m.GroupId, m.Slug }).IsUnique();
        builder.HasMany(m => m.Limits).WithOne().HasForeignKey(l => l.GroupModelId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ModelLimitConfiguration : IEntityTypeConfiguration<ModelLimit>
{
    public void Configure(EntityTypeBuilder<ModelLimit> builder)
    {
        builder.Property(l => l.Kind).HasConversion<string>().HasMaxLength(8);
        builder.Property(l => l.Type).HasConversion<string>().HasMaxLength(8);
        builder.Property(l => l.Unit).HasConversion<string>().HasMaxLength(8);
    }
}
