using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>The Orleans dashboard at /dashboard: operators only, and it shows a user's live grain state without secrets.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string OperatorId = "opsadmin";
    private GatewayServer _server = null!;

    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync($"--Auth:Operators:0={OperatorId}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Without_a_token_it_answers_401_and_for_a_non_operator_403()
    {
        var anonymous = await _server.Http.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("unauthorized:", (await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Http.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        var guest = await _server.GuestAsync("Curious");
        using var asGuest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
        asGuest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", guest.Token);
        var refused = await _server.Http.SendAsync(asGuest);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.StartsWith("forbidden:", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Http.GetAsync($"/dashboard?access_token={guest.Token}")).StatusCode);
    }

    [Fact]
    public async Task An_operator_signed_in_by_configuration_opens_it_and_reads_a_users_grain_state()
    {
        var registered = await _server.Http.PostAsJsonAsync("/api/auth/register", new { userId = OperatorId, password = "operator password", displayName = "Ops" });
        var token = (await registered.Content.ReadFromJsonAsync<IssuedToken>())!.Token;
        var (alice, hub) = await _server.ConnectGuestAsync("Alice");
        await using var _ = hub;

        // Opened from a link with the token, the page keeps it in a cookie its own requests carry.
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(cookies) { BaseAddress = _server.Address };
        var page = await browser.GetAsync($"/dashboard?access_token={token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        var state = await browser.GetStringAsync($"/dashboard/GrainState?grainId={alice.UserId}&grainType=Im.Orleans.Grains.Users.UserGrain");
        var shown = JsonDocument.Parse(state).RootElement.GetString() ?? state;
        Assert.Contains("GetState", shown, StringComparison.Ordinal);
        Assert.Contains("Alice", shown, StringComparison.Ordinal);
        Assert.Contains("\"ChosenStatus\": \"online\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(token, shown, StringComparison.Ordinal);
    }
}
