using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FrontierGateway.Data.Configurations;

internal sealed class EndpointConfiguration : IEntityTypeConfiguration<Endpoint>
{
    public void Configure(EntityTypeBuilder<Endpoint> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(40);
        builder.Property(e => e.Slug).HasMaxLength(255);
        builder.HasIndex(e => e.Slug).IsUnique();
        builder.HasMany(e => e.Targets).WithOne().HasForeignKey(t => t.EndpointId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.PriceCurrency).HasMaxLength(3);
        builder.Property(e => e.InputPricePerMillion).HasPrecision(18, 6);
        builder.Property(e => e.OutputPricePerMillion).HasPrecision(18, 6);
    }
}

internal sealed class EndpointTargetConfiguration : IEntityTypeConfiguration<EndpointTarget>
{
    public void Configure(EntityTypeBuilder<EndpointTarget> builder)
    {
        builder.Property(t => t.Provider).HasConversion<string>().HasMaxLength(24);
        builder.Property(t => t.BaseUrl).HasMaxLength(2048);
        builder.Property(t => t.TargetModel).HasMaxLength(255);
        builder.Property(t => t.ModelId).HasMaxLength(255);
        builder.Property(t => t.EnvironmentName).HasMaxLength(255);
    }
}
