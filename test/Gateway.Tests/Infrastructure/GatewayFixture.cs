namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>One gateway shared by the tests of the "gateway" collection; every test uses fresh users, so they do not interfere.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public GatewayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
