using System.Net;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// The visitor widget runs in a host site's page: only the origins in Widget:AllowedOrigins may call the gateway
/// across origins, and only the endpoints the widget needs. A browser enforces CORS from the headers alone, so the
/// tests check what a preflight is answered.
/// </summary>
public sealed class WidgetCorsTests : IAsyncLifetime
{
    private const string Listed = "http://shop.test:8000";
    private const string Unlisted = "http://evil.test:8000";
    private GatewayServer _server = null!;

    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync($"--Widget:AllowedOrigins:0={Listed}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/hubs/chat/negotiate?negotiateVersion=1", "POST")]
    [InlineData("/api/auth/guest", "POST")]
    [InlineData("/api/files/abc", "GET")]
    public async Task A_listed_origin_passes_the_preflight(string path, string method)
    {
        var response = await PreflightAsync(path, method, Listed);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        Assert.Equal(Listed, Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Single(response, "Access-Control-Allow-Methods"));
        Assert.Contains("authorization", Single(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        // The widget sends its bearer token, never cookies.
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("/hubs/chat/negotiate?negotiateVersion=1", "POST")]
    [InlineData("/api/auth/guest", "POST")]
    public async Task An_unlisted_origin_gets_no_cors_headers(string path, string method)
    {
        var response = await PreflightAsync(path, method, Unlisted);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/api/auth/login")]
    [InlineData("/api/auth/register")]
    [InlineData("/api/auth/token")]
    public async Task Endpoints_the_widget_does_not_use_stay_same_origin_even_for_a_listed_origin(string path)
    {
        var response = await PreflightAsync(path, "POST", Listed);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_actual_guest_sign_in_from_a_listed_origin_carries_the_allow_origin_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/guest") { Content = System.Net.Http.Json.JsonContent.Create(new { displayName = "Visitor" }) };
        request.Headers.Add("Origin", Listed);
        var response = await _server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Listed, Single(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public void Origins_with_a_path_or_a_wildcard_are_refused_at_start()
    {
        Assert.Null(new WidgetOptions { AllowedOrigins = [Listed, "https://shop.example"] }.Validate());
        Assert.NotNull(new WidgetOptions { AllowedOrigins = ["https://shop.example/page"] }.Validate());
        Assert.NotNull(new WidgetOptions { AllowedOrigins = ["*"] }.Validate());
        Assert.NotNull(new WidgetOptions { AllowedOrigins = ["https://shop.example/"] }.Validate());
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string method, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-requested-with");
        return await _server.Http.SendAsync(request);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(",", values) : "";
}
