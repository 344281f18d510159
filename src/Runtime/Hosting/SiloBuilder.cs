using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Hosting;

/// <summary>The <see cref="ISiloBuilder"/> handed to UseOrleans/AddOrleans callbacks.</summary>
internal sealed class SiloBuilder(IServiceCollection services, IConfiguration configuration) : ISiloBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;

    public List<Assembly> ApplicationParts { get; } = [];
}
