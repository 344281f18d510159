namespace Im.Orleans;

/// <summary>Sets how long activations of this grain class may stay idle before they are collected.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    public double Days { get; init; }
    public double Hours { get; init; }
    public double Minutes { get; init; }
    public double Seconds { get; init; }

    /// <summary>Keep activations of this class until shutdown.</summary>
    public bool AlwaysActive { get; init; }

    public TimeSpan Age => AlwaysActive
        ? Timeout.InfiniteTimeSpan
        : TimeSpan.FromDays(Days) + TimeSpan.FromHours(Hours) + TimeSpan.FromMinutes(Minutes) + TimeSpan.FromSeconds(Seconds);
}
