namespace Im.Orleans;

/// <summary>Options of <see cref="Grain.RegisterGrainTimer{TState}"/>.</summary>
public readonly record struct GrainTimerCreationOptions(TimeSpan DueTime, TimeSpan Period)
{
    /// <summary>When true, ticks may interleave with other requests; by default a tick is a turn like any request.</summary>
    public bool Interleave { get; init; }

    /// <summary>When true, each tick counts as activity and so keeps the activation from idle collection.</summary>
    public bool KeepAlive { get; init; }
}
