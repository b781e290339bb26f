using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FrontierGateway.Data.Configurations;

internal sealed class UsageEventConfiguration : IEntityTypeConfiguration<UsageEvent>
{
    public void Configure(EntityTypeBuilder<UsageEvent> builder)
    {
        builder.HasKey(e => e.IdempotencyKey);
        builder.Property(e => e.IdempotencyKey).HasMaxLength(26);
        builder.Property(e => e.RequestId).HasMaxLength(64);
        builder.Property(e => e.ModelSlug).HasMaxLength(255);
        builder.Property(e => e.GroupId).HasMaxLength(40);
        builder.Property(e => e.ExternalEntityId).HasMaxLength(255);
        builder.Property(e => e.ApiKeyPrefix).HasMaxLength(16);
        builder.HasIndex(e => e.Timestamp);
        // The usage history of one group (portal charts) reads a time range of that group.
        builder.HasIndex(e => new { e.GroupId, e.Timestamp });
        builder.Property(e => e.DeliveryId).HasMaxLength(40);
        builder.HasIndex(e => e.DeliveryId);
    }
}
