using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FrontierGateway.Data.Configurations;

internal sealed class RequestLogConfiguration : IEntityTypeConfiguration<RequestLogEntry>
{
    public void Configure(EntityTypeBuilder<RequestLogEntry> builder)
    {
        builder.ToTable("RequestLog");
        builder.Property(e => e.RequestId).HasMaxLength(64);
        builder.Property(e => e.KeyPrefix).HasMaxLength(16);
        builder.Property(e => e.GroupId).HasMaxLength(40);
        builder.Property(e => e.Slug).HasMaxLength(255);
        builder.Property(e => e.RefusedLimit).HasMaxLength(64);
        builder.Property(e => e.RefusedSourceGroupId).HasMaxLength(40);
        builder.Property(e => e.Error).HasMaxLength(64);
        // The workspace's log reads newest first; a group's and an endpoint's read their own time range.
        builder.HasIndex(e => e.Timestamp);
        builder.HasIndex(e => new { e.GroupId, e.Timestamp });
        builder.HasIndex(e => new { e.Slug, e.Timestamp });
    }
}
