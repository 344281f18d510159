// What one hub message costs to write (a `message` event) and to read (a Send invocation) with each hub protocol:
// our JSON protocol, our MessagePack protocol (payloads through the JSON contract), and the stock MessagePack protocol
// with its contractless resolver (PascalCase names: not our contract; the floor the JSON-contract detour is paid over).
// usage: dotnet run -c Release --project bench/protocol-cost [-- ITERATIONS]   (default 200000 per measurement)
// Prints CPU ns per message (process CPU time, not wall time: this box is shared, so a wall clock measures the queue
// for a core) and bytes per message: the median of 5 measurements after a warm-up, in one process.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
var metrics = new GatewayMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
var json = Options.Create(new JsonHubProtocolOptions());
var hub = Options.Create(new ChatHubOptions());
IHubProtocol[] protocols =
[
    new CodedJsonHubProtocol(json, hub, metrics),
    new CodedMessagePackHubProtocol(json, hub, metrics),
    new MessagePackHubProtocol(),
];
string[] names = ["json (ours)", "messagepack (ours, JSON contract)", "messagepack (stock, contractless)"];

var message = new Message("g:0c1d2e3f4a5b", 12345, "9b2e4c6d8f0a1b3c5d7e9f1a2b4c6d8e", "6f1c2d3e4f5a6b7c", "alice.smith",
    MessageKinds.Text, "hello there, this is a chat message of ordinary length 😀", null, DateTimeOffset.UtcNow, ReplyToSeq: 12);
var push = new InvocationMessage(ClientEventNames.Message, [message]);
var send = JsonDocument.Parse("""{"conversationId":"g:0c1d2e3f4a5b","clientMsgId":"6f1c2d3e4f5a6b7c","kind":"text","text":"hello there, this is a chat message of ordinary length"}""").RootElement;
var binder = new SendBinder();

Console.WriteLine($"{iterations} messages per measurement, CPU time, median of 5; {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine("| protocol | write `message` event | bytes | read Send invocation | bytes |");
Console.WriteLine("|---|---|---|---|---|");
for (var p = 0; p < protocols.Length; p++)
{
    var protocol = protocols[p];
    var pushBytes = protocol.GetMessageBytes(push);
    // The client's Send frame, as the stock writer of this encoding makes it (a map with the camelCase names).
    var sendFrame = (p == 0 ? protocols[0] : protocols[2]).GetMessageBytes(new InvocationMessage("1", "Send", [p == 0 ? send : ToMap(send)]));
    var write = Measure(() => protocol.GetMessageBytes(push));
    var read = Measure(() =>
    {
        var input = new ReadOnlySequence<byte>(sendFrame);
        if (!protocol.TryParseMessage(ref input, binder, out var parsed) || parsed is not InvocationMessage) throw new InvalidOperationException("not parsed");
    });
    Console.WriteLine($"| {names[p]} | {write:F0} ns | {pushBytes.Length} | {read:F0} ns | {sendFrame.Length} |");
}

double Measure(Action action)
{
    for (var i = 0; i < iterations / 10; i++) action();
    var runs = new List<double>();
    for (var r = 0; r < 5; r++)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < iterations; i++) action();
        process.Refresh();
        runs.Add((process.TotalProcessorTime - before).TotalNanoseconds / iterations);
    }
    runs.Sort();
    return runs[2];
}

static Dictionary<string, object?> ToMap(JsonElement obj) =>
    obj.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.GetString());

/// <summary>Send's parameter as the hub declares it: raw JSON.</summary>
internal sealed class SendBinder : IInvocationBinder
{
    public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(JsonElement)];
    public Type GetReturnType(string invocationId) => typeof(object);
    public Type GetStreamItemType(string streamId) => typeof(object);
}
