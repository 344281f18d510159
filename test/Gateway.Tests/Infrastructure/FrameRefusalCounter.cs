using System.Diagnostics.Metrics;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Gateway.Hubs;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>Counts refused frames (im.gateway.refusals with operation "frame", code "invalid") on one gateway's meters.</summary>
internal sealed class FrameRefusalCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public FrameRefusalCounter(IMeterFactory gatewayMeters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == gatewayMeters && instrument.Meter.Name == GatewayMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var frame = false;
            var invalid = false;
            foreach (var tag in tags)
            {
                frame |= tag.Key == "operation" && Equals(tag.Value, HubMessageGuard.FrameOperation);
                invalid |= tag.Key == "code" && Equals(tag.Value, "invalid");
            }
            if (frame && invalid) Interlocked.Add(ref _count, value);
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
