using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Im.Orleans.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class AuthTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Guest_gets_a_guest_id_and_a_token_with_sub_name_role_and_exp()
    {
        var token = await Server.GuestAsync("Visitor");

        Assert.StartsWith("guest-", token.UserId);
        Assert.True(token.ExpiresAt > DateTimeOffset.UtcNow);
        var jwt = new JsonWebToken(token.Token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(token.UserId, jwt.Subject);
        Assert.Equal("Visitor", jwt.GetClaim("name").Value);
        Assert.Equal("guest", jwt.GetClaim("role").Value);
        Assert.Equal(token.ExpiresAt.ToUnixTimeSeconds(), new DateTimeOffset(jwt.ValidTo).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Guest_without_display_name_is_invalid()
    {
        var response = await Server.Http.PostAsJsonAsync("/api/auth/guest", new { displayName = "" });
        await AssertError(response, HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Register_then_login_returns_tokens_for_the_same_user()
    {
        var userId = "user" + Guid.NewGuid().ToString("N")[..10];
        var registered = await Server.Http.PostAsJsonAsync("/api/auth/register", new { userId, password = "correct horse", displayName = "Alice" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var first = (await registered.Content.ReadFromJsonAsync<IssuedToken>())!;
        Assert.Equal(userId, first.UserId);
        Assert.Equal("user", new JsonWebToken(first.Token).GetClaim("role").Value);

        var login = await Server.Http.PostAsJsonAsync("/api/auth/login", new { userId, password = "correct horse" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(userId, (await login.Content.ReadFromJsonAsync<IssuedToken>())!.UserId);

        // One answer for a wrong password and an unknown id, so the endpoint does not reveal which ids exist.
        var wrong = await Server.Http.PostAsJsonAsync("/api/auth/login", new { userId, password = "wrong password" });
        var unknown = await Server.Http.PostAsJsonAsync("/api/auth/login", new { userId = "nobody-" + userId, password = "correct horse" });
        await AssertError(wrong, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertError(unknown, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Register_an_existing_id_is_a_conflict()
    {
        var userId = "dup" + Guid.NewGuid().ToString("N")[..10];
        (await Server.Http.PostAsJsonAsync("/api/auth/register", new { userId, password = "password1", displayName = "A" })).EnsureSuccessStatusCode();
        var again = await Server.Http.PostAsJsonAsync("/api/auth/register", new { userId, password = "password2", displayName = "B" });
        await AssertError(again, HttpStatusCode.Conflict, "conflict");
    }

    [Theory]
    [InlineData("ab", "password1")]
    [InlineData("has space", "password1")]
    [InlineData("colon:id", "password1")]
    [InlineData("guest-abc", "password1")]
    [InlineData("validname", "short")]
    public async Task Register_validates_id_and_password(string userId, string password)
    {
        var response = await Server.Http.PostAsJsonAsync("/api/auth/register", new { userId, password, displayName = "X" });
        await AssertError(response, HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Host_token_needs_a_configured_api_key()
    {
        var body = new { userId = "crm-42", displayName = "Agent Smith", role = "agent" };
        var none = await Server.Http.PostAsJsonAsync("/api/auth/token", body);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);

        using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(body) };
        bad.Headers.Add("X-Api-Key", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.SendAsync(bad)).StatusCode);

        using var good = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(body) };
        good.Headers.Add("X-Api-Key", GatewayServer.ApiKey);
        var response = await Server.Http.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
        Assert.Equal("crm-42", token.UserId);
        Assert.Equal("agent", new JsonWebToken(token.Token).GetClaim("role").Value);

        using var badRole = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { userId = "crm-43", role = "root" }) };
        badRole.Headers.Add("X-Api-Key", GatewayServer.ApiKey);
        await AssertError(await Server.Http.SendAsync(badRole), HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Malformed_json_is_400_with_an_invalid_error()
    {
        var response = await Server.Http.PostAsync("/api/auth/guest", new StringContent("{\"displayName\":", Encoding.UTF8, "application/json"));
        await AssertError(response, HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        var huge = JsonSerializer.Serialize(new { displayName = new string('x', 200_000) });
        var response = await Server.Http.PostAsync("/api/auth/guest", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Hub_refuses_connections_without_a_valid_token()
    {
        await AssertRefused(null);
        await AssertRefused("not-a-jwt");
        await AssertRefused(MintToken(DateTimeOffset.UtcNow.AddMinutes(-10)));
        var guest = await Server.GuestAsync();
        // Same claims, signed with another key.
        await AssertRefused(MintToken(DateTimeOffset.UtcNow.AddMinutes(10), new byte[32]));

        await using var ok = await HubClient.ConnectAsync(Server.Address, guest.Token);
        Assert.False(ok.Closed);
    }

    [Fact]
    public async Task A_negotiating_client_without_a_valid_token_is_refused_at_negotiate()
    {
        foreach (var token in new[] { null, "not-a-jwt", MintToken(DateTimeOffset.UtcNow.AddMinutes(-10)) })
        {
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => HubClient.ConnectAsync(Server.Address, token));
            Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        }
    }

    [Fact]
    public async Task Expired_or_forged_bearer_tokens_get_401_on_rest()
    {
        foreach (var token in new[] { MintToken(DateTimeOffset.UtcNow.AddMinutes(-10)), MintToken(DateTimeOffset.UtcNow.AddMinutes(10), new byte[32]) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/files/" + Guid.NewGuid().ToString("N"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.SendAsync(request)).StatusCode);
        }
        var negotiate = await Server.Http.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }

    /// <summary>Straight to the WebSocket endpoint (no negotiate, which is checked over REST above): the upgrade itself refuses.</summary>
    private async Task AssertRefused(string? token)
    {
        var e = await Assert.ThrowsAsync<WebSocketException>(() => HubClient.ConnectAsync(Server.Address, token, negotiate: false));
        Assert.Contains("401", e.Message);
    }

    /// <summary>A token signed with the server's own key (read from the data directory) or another key, expiring when told.</summary>
    private string MintToken(DateTimeOffset expires, byte[]? key = null)
    {
        key ??= Convert.FromBase64String(File.ReadAllText(Path.Combine(Server.DataDirectory, "jwt-signing.key")).Trim());
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "im-orleans",
            Audience = "im-orleans",
            IssuedAt = expires.AddHours(-1).UtcDateTime,
            NotBefore = expires.AddHours(-1).UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["name"] = "Mallory", ["role"] = "user" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    internal static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith(code + ": ", body.GetProperty("error").GetString());
    }
}
