namespace Im.Orleans.Grains.Options;

/// <summary>How gateways prove they are alive and how soon a silent one is declared dead, bound from "Chat:Gateways".</summary>
public sealed class GatewayLivenessOptions
{
    public const string Section = "Chat:Gateways";

    /// <summary>How often a gateway heartbeats the registry.</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A gateway not heard from for this long is declared dead and its connections leave presence.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the registry looks for silent gateways and each silo asks it for dead ones.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMilliseconds(500);
}
