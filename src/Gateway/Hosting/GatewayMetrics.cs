using System.Diagnostics.Metrics;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// The gateway's own metrics (meter "Im.Orleans.Gateway"). Refusals of client requests are counted here rather
/// than logged one by one: a flood of bad requests must not become a flood of log lines, yet operators see its rate.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Im.Orleans.Gateway";

    private readonly Counter<long> _refusals;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _refusals = meter.CreateCounter<long>("im.gateway.refusals", unit: "{request}",
            description: "Client requests refused with a coded error, by operation (hub method, endpoint, connection) and code.");
    }

    /// <summary>Counts one refusal. <paramref name="operation"/> must come from a bounded set (method or route names).</summary>
    public void Refused(string operation, string code) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("code", code));
}
