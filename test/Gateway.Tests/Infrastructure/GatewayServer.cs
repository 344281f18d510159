using System.Net.Http.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway (co-hosted silo, SQLite, Kestrel) on a free loopback port with a temporary data directory,
/// started exactly as Program.cs starts it.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }
    public string DataDirectory { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayServer> StartAsync(params string[] extraArgs)
    {
        var data = Path.Combine(Path.GetTempPath(), "im-gateway-tests-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Data:Directory={data}",
            $"--Auth:ApiKeys:0={ApiKey}",
            "--Logging:LogLevel:Default=Warning",
            // Every test signs in fresh users from loopback; the budgets per address have tests of their own (AuthThrottlingTests).
            "--RateLimit:Guest:Burst=1000000", "--RateLimit:Guest:PerMinute=1000000",
            "--RateLimit:Register:Burst=1000000", "--RateLimit:Register:PerMinute=1000000",
            .. extraArgs,
        ];
        var app = GatewayApp.Create(args);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new GatewayServer(app, data, address);
    }

    public async Task<IssuedToken> GuestAsync(string displayName = "Guest")
    {
        var response = await Http.PostAsJsonAsync("/api/auth/guest", new { displayName });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
    }

    /// <summary>A fresh guest user connected to the hub (over WebSockets unless told).</summary>
    public async Task<(IssuedToken User, HubClient Hub)> ConnectGuestAsync(
        string displayName = "Guest", string? device = null, HttpTransportType transport = HttpTransportType.WebSockets)
    {
        var user = await GuestAsync(displayName);
        return (user, await HubClient.ConnectAsync(Address, user.Token, device, transport));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly; the temp folder is cleaned by the OS eventually.
        }
    }
}
