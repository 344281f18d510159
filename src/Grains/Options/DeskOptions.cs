namespace Im.Orleans.Grains.Options;

/// <summary>Limits and housekeeping of desk and agent grains, bound from "Chat:Desks"; routing itself is per desk (<see cref="DeskSettings"/>).</summary>
public sealed class DeskOptions
{
    public const string Section = "Chat:Desks";

    /// <summary>How many recent handle times the ETA averages: recent enough to follow a busy afternoon, enough to be steady.</summary>
    public int HandleTimeSamples { get; set; } = 20;

    /// <summary>The most conversations one desk queues; beyond it Enqueue is refused rate_limited.</summary>
    public int MaxQueueLength { get; set; } = 10_000;

    /// <summary>
    /// How often a desk with waiting visitors drains on its own. Agents tell desks of free slots one-way, and a silo's
    /// death can lose such a call; this retry bounds how long a lost one leaves a free agent idle.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// An online agent without any hub call or message for this long is set away (zero = never), so visitors are not
    /// assigned to someone who walked off. Checked every quarter of it, so the switch comes up to a quarter late.
    /// </summary>
    public TimeSpan AgentIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
