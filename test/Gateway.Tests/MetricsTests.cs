using System.Globalization;
using System.Net;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// Refusals are counted, not logged: a flood of refused calls leaves no Warning or Error in the log, and operators
/// see the refusal rate at the Prometheus endpoint /metrics, beside ASP.NET Core's, Kestrel's and SignalR's meters.
/// </summary>
public sealed class MetricsTests(ITestOutputHelper output)
{
    private const int CallsPerKind = 100;

    [Fact]
    public async Task Refused_calls_are_counted_and_write_no_warning_or_error()
    {
        // The log levels of appsettings.json (Information by default), and no call limit in the way of the grains' refusals.
        await using var server = await GatewayServer.StartAsync(
            "--Logging:LogLevel:Default=Information", "--Hub:InvocationsPerSecond=1000000", "--Hub:InvocationBurst=1000000");
        var (_, alice) = await server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await server.ConnectGuestAsync("Bob");
        var (_, outsider) = await server.ConnectGuestAsync("Mallory");
        await using var _ = alice;
        await using var __ = bobHub;
        await using var ___ = outsider;
        var id = (await alice.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var log = LogCapture.AttachTo(server);

        for (var i = 0; i < CallsPerKind; i++)
        {
            await HubAssert.FailsWith("forbidden", () => outsider.InvokeAsync("History", id, 100, 10));
            await HubAssert.FailsWith("not_found", () => outsider.InvokeAsync("History", $"g:missing-{i}", 100, 10));
            await HubAssert.FailsWith("invalid", () => outsider.InvokeAsync("History", id, 0, 10));
        }

        var loud = log.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        output.WriteLine($"{3 * CallsPerKind} refused History calls: {log.Entries.Count} log entries, {log.Characters} characters, {loud.Count} at Warning or above");
        foreach (var category in loud.GroupBy(e => (e.Category, e.Level)))
            output.WriteLine($"  {category.Key.Category} {category.Key.Level}: {category.Count()}, e.g. {category.First().Message}");
        Assert.Empty(loud);

        var metrics = await ScrapeUntilAsync(server, text =>
            Refusals(text, "History", "forbidden") >= CallsPerKind && Refusals(text, "History", "not_found") >= CallsPerKind
            && Refusals(text, "History", "invalid") >= CallsPerKind);
        Assert.True(Refusals(metrics, "History", "forbidden") >= CallsPerKind, metrics);
    }

    [Fact]
    public async Task Metrics_serves_refusals_and_the_aspnetcore_kestrel_and_signalr_meters()
    {
        await using var server = await GatewayServer.StartAsync();
        var (_, hub) = await server.ConnectGuestAsync();
        await using var _ = hub;
        await HubAssert.FailsWith("not_found", () => hub.InvokeAsync("NoSuchMethod"));
        await HubAssert.FailsWith("not_found", () => hub.InvokeAsync("Made-Up-Name-1"));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("history", "g:x"));

        var metrics = await ScrapeUntilAsync(server, text =>
            Refusals(text, "unknown", "not_found") >= 2 && Refusals(text, "History", "invalid") >= 1 && text.Contains("signalr_server_active_connections"));
        foreach (var line in metrics.Split('\n').Where(l => l.Contains("im_gateway", StringComparison.Ordinal))) output.WriteLine(line);
        Assert.True(Refusals(metrics, "unknown", "not_found") >= 2, metrics);
        // A re-cased method name counts under the method's own name; a made-up one never becomes a label.
        Assert.True(Refusals(metrics, "History", "invalid") >= 1, metrics);
        Assert.DoesNotContain("Made-Up-Name-1", metrics);
        Assert.Contains("kestrel_active_connections", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
        Assert.Contains("signalr_server_active_connections", metrics);
    }

    [Fact]
    public async Task Metrics_can_be_turned_off()
    {
        await using var server = await GatewayServer.StartAsync("--Metrics:Enabled=false");
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/metrics")).StatusCode);
    }

    /// <summary>Scrapes /metrics until <paramref name="done"/> holds (the exporter may serve a cached scrape briefly).</summary>
    private static async Task<string> ScrapeUntilAsync(GatewayServer server, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await server.Http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            if (done(text) || DateTime.UtcNow > deadline) return text;
            await Task.Delay(200);
        }
    }

    /// <summary>The value of im_gateway_refusals_total for an operation and code (0 when absent).</summary>
    private static double Refusals(string metrics, string operation, string code) => metrics
        .Split('\n')
        .Where(line => line.StartsWith("im_gateway_refusals_total{", StringComparison.Ordinal)
                       && line.Contains($"operation=\"{operation}\"", StringComparison.Ordinal) && line.Contains($"code=\"{code}\"", StringComparison.Ordinal))
        .Select(line => double.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
        .Sum();
}
