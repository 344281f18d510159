using System.Diagnostics.Metrics;
using Im.Orleans.Gateway.Hubs;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Logs the connection caps at start-up and then, once per <see cref="ConnectionLimitOptions.RefusalLogInterval"/>
/// with any refusal, one line with how many connections were refused and why. Kestrel's own refusals at its
/// connection limit (one warning per socket otherwise; that log category is lowered in <see cref="GatewayApp"/>) are
/// counted from its "kestrel.rejected_connections" metric.
/// </summary>
internal sealed class ConnectionRefusalLog(
    ConnectionLimits limits,
    ConnectionRefusals refusals,
    ConnectionRegistry connections,
    IMeterFactory meters,
    TimeProvider time,
    ILogger<ConnectionRefusalLog> logger) : BackgroundService
{
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";
    private const string KestrelRejections = "kestrel.rejected_connections";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (limits.Lowered is { } configured)
            logger.LogWarning("Limits:MaxConnections {Configured} is more than the open-file limit allows; {Limits}", configured, limits.Describe());
        else
            logger.LogInformation("Connection limits: {Limits}", limits.Describe());

        using var kestrel = ListenToKestrelRejections();
        var interval = limits.Options.RefusalLogInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) LogSums(interval);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        LogSums(interval);
    }

    private void LogSums(TimeSpan interval)
    {
        var sums = refusals.TakeSums();
        if (sums.Total == 0) return;
        logger.LogWarning(
            "Refused {Refused} connections in the last {Seconds:0.#} s: {AtCap} at this gateway's cap of {Cap} hub connections ({Open} open now), "
            + "{OverUserCap} over the per-user cap, {Otherwise} refused otherwise by user grains, {Dropped} sockets dropped by Kestrel at its connection limit",
            sums.Total, interval.TotalSeconds, sums.AtGatewayCap, limits.MaxConnections?.ToString() ?? "no", connections.Count,
            sums.OverUserCap, sums.Otherwise, sums.DroppedByKestrel);
    }

    /// <summary>Follows this host's Kestrel counter only: a test process may run several gateways, each with its meter factory.</summary>
    private MeterListener ListenToKestrelRejections()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == KestrelMeter && instrument.Name == KestrelRejections && ReferenceEquals(instrument.Meter.Scope, meters))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, count, _, _) => refusals.DroppedByKestrel(count));
        listener.Start();
        return listener;
    }
}
