using System.Reflection;
using Im.Orleans.Catalog;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Configuration;
using Im.Orleans.Core;
using Im.Orleans.Messaging;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Hosting;

/// <summary>Adds a silo to a host: <c>builder.UseOrleans(silo => silo.AddMemoryGrainStorageAsDefault())</c>.</summary>
public static class SiloHostingExtensions
{
    public static IHostApplicationBuilder UseOrleans(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOrleans(builder.Configuration, configure);
        return builder;
    }

    /// <summary>Registers the silo's services; a host runs it, or resolve <see cref="Silo"/> and start it yourself.</summary>
    public static IServiceCollection AddOrleans(this IServiceCollection services, IConfiguration? configuration = null, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(Silo))) throw new InvalidOperationException("AddOrleans was already called on these services.");
        configuration ??= new ConfigurationBuilder().Build();
        var builder = new SiloBuilder(services, configuration);

        services.AddLogging();
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection("Orleans:Messaging"));
        services.AddOptions<GrainCollectionOptions>().Bind(configuration.GetSection("Orleans:GrainCollection"));
        services.AddOptions<SerializationOptions>();

        services.AddSingleton<LocalNode>();
        services.AddSingleton(_ => new GrainTypeManager(builder.ApplicationParts));
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<GrainCatalog>();
        services.AddSingleton<ActivationCollector>();
        services.AddSingleton<ResponseTracker>();
        services.AddSingleton<LocalMessageRouter>();
        services.TryAddSingleton<IMessageRouter>(sp => sp.GetRequiredService<LocalMessageRouter>());
        services.AddSingleton<GrainReferenceRuntime>();
        services.AddSingleton<IGrainReferenceRuntime>(sp => sp.GetRequiredService<GrainReferenceRuntime>());
        services.AddSingleton<GrainFactory>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainFactory>());
        services.AddSingleton<IGrainReferenceActivator>(sp => sp.GetRequiredService<GrainFactory>());
        services.AddSingleton(sp => new GrainSerializer(sp.GetRequiredService<IOptions<SerializationOptions>>(), sp.GetRequiredService<IGrainReferenceActivator>));
        services.AddSingleton(sp => new Silo(
            sp.GetServices<IStartupTask>(), sp.GetRequiredService<GrainCatalog>(), sp.GetRequiredService<ActivationCollector>(),
            sp.GetRequiredService<ResponseTracker>(), sp.GetRequiredService<ILogger<Silo>>()));
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());

        configure?.Invoke(builder);
        return services;
    }

    /// <summary>Adds an assembly with grain interfaces or classes that might not be loaded when the silo starts.</summary>
    public static ISiloBuilder AddApplicationPart(this ISiloBuilder builder, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ((SiloBuilder)builder).ApplicationParts.Add(assembly);
        return builder;
    }

    /// <summary>Adds a source-generated JSON context for the types grains exchange and store.</summary>
    public static ISiloBuilder AddJsonTypeInfoResolver(this ISiloBuilder builder, System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        builder.Services.Configure<SerializationOptions>(o => o.TypeInfoResolvers.Add(resolver));
        return builder;
    }

    public static ISiloBuilder AddIncomingGrainCallFilter<TFilter>(this ISiloBuilder builder) where TFilter : class, IIncomingGrainCallFilter
    {
        builder.Services.AddSingleton<IIncomingGrainCallFilter, TFilter>();
        return builder;
    }

    public static ISiloBuilder AddIncomingGrainCallFilter(this ISiloBuilder builder, IIncomingGrainCallFilter filter)
    {
        builder.Services.AddSingleton(filter);
        return builder;
    }

    public static ISiloBuilder Configure<TOptions>(this ISiloBuilder builder, Action<TOptions> configure) where TOptions : class
    {
        builder.Services.Configure(configure);
        return builder;
    }
}
