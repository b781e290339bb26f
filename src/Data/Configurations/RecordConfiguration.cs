using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FrontierGateway.Data.Configurations;

internal sealed class DailyUsageConfiguration : IEntityTypeConfiguration<DailyUsage>
{
    public void Configure(EntityTypeBuilder<DailyUsage> builder)
    {
        builder.HasKey(u => new { u.GroupId, u.Slug, u.Type, u.Day });
        builder.Property(u => u.Slug).HasMaxLength(255);
        builder.Property(u => u.Type).HasConversion<string>().HasMaxLength(8);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Actor).HasMaxLength(320);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.TargetType).HasMaxLength(32);
        builder.Property(a => a.TargetId).HasMaxLength(64);
        builder.HasIndex(a => a.At);
    }
}

internal sealed class ChangeEntryConfiguration : IEntityTypeConfiguration<ChangeEntry>
{
    public void Configure(EntityTypeBuilder<ChangeEntry> builder)
    {
        builder.ToTable("Changes");
        builder.HasIndex(c => c.At);
    }
}

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> builder) =>
        builder.Property(u => u.GroupId).HasMaxLength(40);
}
