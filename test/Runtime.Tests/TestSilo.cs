using Im.Orleans.Configuration;
using Im.Orleans.Hosting;
using Im.Orleans.Runtime.Tests.Grains;
using Im.Orleans.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Runtime.Tests;

/// <summary>The test kit silo set up with the test grains' services and JSON context.</summary>
internal static class TestSilo
{
    public static TestKitSilo Create(Action<ISiloBuilder>? configure = null) => new(silo =>
    {
        silo.AddJsonTypeInfoResolver(TestJsonContext.Default);
        silo.Services.AddSingleton<ActivationLog>();
        configure?.Invoke(silo);
    });

    /// <summary>A silo on real time, for tests about timeouts that measure wall-clock behaviour.</summary>
    public static TestKitSilo WithResponseTimeout(TimeSpan timeout) => Create(silo => silo.Configure<MessagingOptions>(o =>
    {
        o.ResponseTimeout = timeout;
        o.ResponseTimeoutCheckPeriod = TimeSpan.FromMilliseconds(50);
    }));

    public static ActivationLog Log(this TestKitSilo silo) => silo.ServiceProvider.GetRequiredService<ActivationLog>();
}
