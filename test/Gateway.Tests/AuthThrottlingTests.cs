using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>A gateway with small sign-in budgets, so the tests reach them in a few requests.</summary>
public sealed class ThrottledGatewayFixture : IAsyncLifetime
{
    public const int GuestBurst = 2;
    public const int RegisterBurst = 20;
    public const int AddressBurst = 6;
    public const int AccountBurst = 3;

    public GatewayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync(
        $"--RateLimit:Guest:Burst={GuestBurst}", "--RateLimit:Guest:PerMinute=1",
        $"--RateLimit:Register:Burst={RegisterBurst}", "--RateLimit:Register:PerMinute=1",
        $"--RateLimit:Login:Address:Burst={AddressBurst}", "--RateLimit:Login:Address:PerMinute=1",
        $"--RateLimit:Login:Account:Burst={AccountBurst}", "--RateLimit:Login:Account:PerMinute=1");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Guest and account creation are bounded per client address, failed logins per address and per account, cluster-wide
/// (the rate-limit grain); refusals are 429 rate_limited with Retry-After. The client address comes from
/// X-Forwarded-For only when the peer is a trusted proxy (loopback by default, which is what these tests are).
/// </summary>
public sealed partial class AuthThrottlingTests(ThrottledGatewayFixture fixture) : IClassFixture<ThrottledGatewayFixture>, IDisposable
{
    private const string Password = "correct horse";
    private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false }) { BaseAddress = fixture.Server.Address };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Guest_creation_is_bounded_per_client_address()
    {
        var address = NewAddress();
        for (var i = 0; i < ThrottledGatewayFixture.GuestBurst; i++)
            Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/auth/guest", new { displayName = "Bot" }, address)).StatusCode);

        var refused = await PostAsync("/api/auth/guest", new { displayName = "Bot" }, address);
        await AssertRateLimited(refused);

        // Another address has a budget of its own.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/auth/guest", new { displayName = "Visitor" }, NewAddress())).StatusCode);
    }

    [Fact]
    public async Task A_client_that_is_no_trusted_proxy_cannot_pick_its_address_with_x_forwarded_for()
    {
        await using var server = await GatewayServer.StartAsync("--ForwardedHeaders:TrustLoopback=false", "--RateLimit:Guest:Burst=2", "--RateLimit:Guest:PerMinute=1");
        using var http = new HttpClient { BaseAddress = server.Address };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/guest") { Content = JsonContent.Create(new { displayName = "Bot" }) };
            request.Headers.Add("X-Forwarded-For", NewAddress());
            statuses.Add((await http.SendAsync(request)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Registration_is_bounded_per_client_address()
    {
        var address = NewAddress();
        for (var i = 0; i < ThrottledGatewayFixture.RegisterBurst; i++)
            Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(NewUserId(), address)).StatusCode);
        await AssertRateLimited(await RegisterAsync(NewUserId(), address));
    }

    [Fact]
    public async Task Failed_logins_are_bounded_per_client_address_whatever_ids_they_try()
    {
        var userId = NewUserId();
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(userId, NewAddress())).StatusCode);
        var address = NewAddress();
        for (var i = 0; i < ThrottledGatewayFixture.AddressBurst; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(NewUserId(), "wrong password", address)).StatusCode);

        // Once the address is out of attempts, even the right password waits: the address is checked first.
        await AssertRateLimited(await LoginAsync(userId, Password, address));
    }

    [Fact]
    public async Task Failed_logins_are_bounded_per_account_across_addresses_with_the_same_answer_for_unknown_ids()
    {
        var existing = NewUserId();
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(existing, NewAddress())).StatusCode);
        var refusals = new List<string>();
        foreach (var userId in new[] { existing, "nobody-" + NewUserId() })
        {
            for (var i = 0; i < ThrottledGatewayFixture.AccountBurst; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(userId, "wrong password", NewAddress())).StatusCode);
            var refused = await LoginAsync(userId, "wrong password", NewAddress());
            refusals.Add(Digits().Replace(await AssertRateLimited(refused), "N"));
        }
        Assert.Equal(refusals[0], refusals[1]);
    }

    [Fact]
    public async Task The_right_password_after_a_few_mistakes_gets_in()
    {
        var userId = NewUserId();
        var address = NewAddress();
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(userId, address)).StatusCode);
        for (var i = 0; i < ThrottledGatewayFixture.AccountBurst - 1; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(userId, "wrong password", address)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(userId, Password, address)).StatusCode);
    }

    [Fact]
    public async Task Someone_else_failing_on_an_account_does_not_lock_out_a_browser_that_signed_in_to_it_before()
    {
        var userId = NewUserId();
        var home = NewAddress();
        var registered = await RegisterAsync(userId, home);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var cookie = SignInCookie(registered);

        // An attacker spends the account's budget from addresses of their own.
        for (var i = 0; i < ThrottledGatewayFixture.AccountBurst; i++) await LoginAsync(userId, "guess " + i, NewAddress());
        await AssertRateLimited(await LoginAsync(userId, Password, NewAddress()));

        // The user's browser carries the cookie from its last sign-in and still gets in, and gets a fresh cookie.
        var login = await LoginAsync(userId, Password, home, cookie);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotNull(SignInCookie(login));
        // The cookie vouches for that user only.
        var other = NewUserId();
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(other, NewAddress())).StatusCode);
        for (var i = 0; i < ThrottledGatewayFixture.AccountBurst; i++) await LoginAsync(other, "guess " + i, NewAddress());
        await AssertRateLimited(await LoginAsync(other, Password, home, cookie));
    }

    private Task<HttpResponseMessage> RegisterAsync(string userId, string address) =>
        PostAsync("/api/auth/register", new { userId, password = Password, displayName = "User" }, address);

    private Task<HttpResponseMessage> LoginAsync(string userId, string password, string address, string? cookie = null) =>
        PostAsync("/api/auth/login", new { userId, password }, address, cookie);

    private Task<HttpResponseMessage> PostAsync(string path, object body, string address, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", address);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return _http.SendAsync(request);
    }

    /// <summary>The sign-in cookie a response sets, as "name=value" for a later Cookie header.</summary>
    private static string? SignInCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Select(c => c.Split(';')[0]).SingleOrDefault(c => c.StartsWith("im_signin=", StringComparison.Ordinal)) : null;

    /// <summary>Asserts a 429 with Retry-After and a rate_limited body; returns the body's text.</summary>
    private static async Task<string> AssertRateLimited(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var seconds = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 3600);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Matches(@"^rate_limited: .+; retry after \d+ ms$", error);
        return error;
    }

    private static int _addresses;

    /// <summary>A client address no other test used (each test class has a fresh gateway, so its buckets start full).</summary>
    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref _addresses);
        return $"10.1.{n / 250}.{n % 250 + 1}";
    }

    private static string NewUserId() => "u" + Guid.NewGuid().ToString("N")[..12];

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
