using System.Diagnostics;
using System.Globalization;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// A quick load run on one embedded node (SQLite): N senders each pipelining sends into their own direct
/// conversation, N receivers counting "message" events. Reports accepted and delivered messages per second and
/// checks nothing acknowledged went missing. GATEWAY_BENCH_SECONDS / GATEWAY_BENCH_PAIRS change the run.
/// </summary>
public sealed class ThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task One_node_accepts_and_delivers_messages()
    {
        var seconds = int.Parse(Environment.GetEnvironmentVariable("GATEWAY_BENCH_SECONDS") ?? "3", CultureInfo.InvariantCulture);
        var pairs = int.Parse(Environment.GetEnvironmentVariable("GATEWAY_BENCH_PAIRS") ?? "20", CultureInfo.InvariantCulture);
        const int InFlightPerSender = 8;
        await using var server = await GatewayServer.StartAsync(
            "--RateLimit:Send:PerSecond=1000000", "--RateLimit:Send:Burst=1000000", "--Hub:InvocationsPerSecond=1000000", "--Hub:InvocationBurst=1000000");

        var clients = new List<HubClient>();
        var senders = new List<(HubClient Hub, string ConversationId)>();
        var receivers = new List<HubClient>();
        for (var i = 0; i < pairs; i++)
        {
            var (_, sender) = await server.ConnectGuestAsync($"S{i}");
            var (receiverUser, receiver) = await server.ConnectGuestAsync($"R{i}");
            clients.Add(sender);
            clients.Add(receiver);
            senders.Add((sender, (await sender.InvokeAsync("OpenDirect", receiverUser.UserId)).Str("conversationId")));
            receivers.Add(receiver);
        }

        var accepted = 0L;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(senders.SelectMany(s => Enumerable.Range(0, InFlightPerSender).Select(async lane =>
        {
            for (var n = 0; clock.Elapsed < until; n++)
            {
                await s.Hub.InvokeAsync("Send", new { conversationId = s.ConversationId, clientMsgId = $"{lane}-{n}", kind = "text", text = "load" });
                Interlocked.Increment(ref accepted);
            }
        })));
        var sendTime = clock.Elapsed;
        var deliveredInWindow = receivers.Sum(r => r.Events("message").Count);

        // Every acknowledged message reaches its receiver.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receivers.Sum(r => r.Events("message").Count) < accepted && DateTime.UtcNow < deadline) await Task.Delay(100);
        var delivered = receivers.Sum(r => r.Events("message").Count);
        var deliveryTime = clock.Elapsed;

        output.WriteLine($"{pairs} senders x {InFlightPerSender} in flight -> {pairs} receivers, {sendTime.TotalSeconds:F1} s");
        output.WriteLine($"accepted {accepted} ({accepted / sendTime.TotalSeconds:F0}/s); delivered {delivered} ({deliveredInWindow / sendTime.TotalSeconds:F0}/s inside the window; all within {deliveryTime.TotalSeconds:F1} s)");
        foreach (var client in clients) await client.DisposeAsync();
        Assert.Equal(accepted, delivered);
        Assert.True(accepted > 0);
    }
}
