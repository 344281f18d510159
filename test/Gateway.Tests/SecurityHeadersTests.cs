using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// What a browser or client sees around the content: every error status carries the JSON error body, the web client's
/// pages carry a Content-Security-Policy and the other security headers, uploads served back keep their safe headers.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class SecurityHeadersTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task A_rest_body_over_64_KB_is_413_with_a_json_error()
    {
        var huge = JsonSerializer.Serialize(new { displayName = new string('x', 200_000) });
        var response = await Server.Http.PostAsync("/api/auth/guest", new StringContent(huge, Encoding.UTF8, "application/json"));
        await AuthTests.AssertError(response, HttpStatusCode.RequestEntityTooLarge, "invalid");
    }

    [Fact]
    public async Task Error_statuses_the_framework_answers_by_itself_carry_the_json_error()
    {
        await AuthTests.AssertError(await Server.Http.GetAsync("/api/no-such-endpoint"), HttpStatusCode.NotFound, "not_found");
        await AuthTests.AssertError(await Server.Http.GetAsync("/api/auth/guest"), HttpStatusCode.MethodNotAllowed, "invalid");
        var plain = await Server.Http.PostAsync("/api/auth/guest", new StringContent("{\"displayName\":\"x\"}", Encoding.UTF8, "text/plain"));
        await AuthTests.AssertError(plain, HttpStatusCode.UnsupportedMediaType, "invalid");
        Assert.Equal("application/json", plain.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Bodies_the_endpoints_write_themselves_are_kept()
    {
        var response = await Server.Http.PostAsJsonAsync("/api/auth/guest", new { displayName = "" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid: displayName is required", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_web_client_page_carries_a_content_security_policy_and_the_security_headers()
    {
        foreach (var path in new[] { "/", "/index.html", "/js/app.js", "/css/app.css" })
        {
            var response = await Server.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = Directives(response);
            Assert.Equal("'self'", csp["default-src"]);
            Assert.Equal("'self'", csp["script-src"]);
            Assert.Equal("'self'", csp["style-src"]);
            Assert.Equal("'self'", csp["connect-src"]);
            Assert.Equal("'none'", csp["frame-ancestors"]);
            Assert.Equal("'none'", csp["object-src"]);
            Assert.DoesNotContain(csp.Values, v => v.Contains("unsafe", StringComparison.Ordinal));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task Api_answers_carry_a_policy_that_allows_nothing_to_run()
    {
        var response = await Server.Http.PostAsJsonAsync("/api/auth/guest", new { displayName = "" });
        var csp = Directives(response);
        Assert.Equal("'none'", csp["default-src"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Uploads_served_back_keep_nosniff_their_disposition_and_run_nothing()
    {
        var (alice, hub) = await Server.ConnectGuestAsync("Alice");
        await using var _ = hub;
        var id = (await hub.InvokeAsync("CreateGroup", new { title = "files", memberIds = Array.Empty<string>() })).Str("conversationId");
        var html = Encoding.UTF8.GetBytes("<script>alert(1)</script>");
        var file = await (await FileUpload.SendAsync(Server, alice.Token, id, html, "text/plain", "page.html")).Content.ReadFromJsonAsync<JsonElement>();

        var download = await Server.Http.GetAsync($"{file.Str("url")}?access_token={alice.Token}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        var csp = Directives(download);
        Assert.Equal("'none'", csp["default-src"]);
        Assert.True(csp.ContainsKey("sandbox"), "a file opened in a tab runs in a sandbox");
    }

    [Fact]
    public void The_web_client_has_no_inline_script_style_or_handler_the_policy_would_block()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        foreach (var page in Directory.EnumerateFiles(root, "*.html", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(page);
            Assert.DoesNotMatch(InlineScript(), text);
            Assert.DoesNotMatch(InlineStyle(), text);
            Assert.DoesNotMatch(InlineHandler(), text);
            Assert.DoesNotContain("javascript:", text, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var script in Directory.EnumerateFiles(Path.Combine(root, "js"), "*.js"))
        {
            var text = File.ReadAllText(script);
            Assert.DoesNotMatch(StyleAttribute(), text);
            Assert.DoesNotContain("innerHTML", text, StringComparison.Ordinal);
            Assert.DoesNotContain("eval(", text, StringComparison.Ordinal);
        }
    }

    /// <summary>The Content-Security-Policy header as directive name → value.</summary>
    internal static Dictionary<string, string> Directives(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var values), $"{response.RequestMessage?.RequestUri} has no Content-Security-Policy");
        return values.Single().Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<style\b|\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex(@"setAttribute\(\s*[""']style|[""']style[""']\s*:")]
    private static partial Regex StyleAttribute();
}
