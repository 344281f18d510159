using Im.Orleans.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Storage.Tests;

/// <summary>Just enough of a silo builder to exercise the registration extensions.</summary>
internal sealed class TestSiloBuilder : ISiloBuilder
{
    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
}
