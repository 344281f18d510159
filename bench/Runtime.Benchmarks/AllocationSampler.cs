using System.Diagnostics.Tracing;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>
/// Sampled allocations by type, from the runtime's own GCAllocationTick events (one about every 100 KB allocated,
/// naming the type that crossed the threshold): a cheap in-process answer to "what does each call allocate".
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, double> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start()
    {
        lock (_bytesByType) _bytesByType.Clear();
        _recording = true;
    }

    public IReadOnlyList<(string Type, double Bytes)> Stop()
    {
        _recording = false;
        lock (_bytesByType) return [.. _bytesByType.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value))];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // Keyword 0x1 is GC; allocation ticks are written at the verbose level.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null) return;
        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload?[t] as string : null;
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToDouble(eventData.Payload?[a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (type is null) return;
        lock (_bytesByType) _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }
}
