namespace Im.Orleans;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    None,
    ShuttingDown,
    ActivationIdle,
    ApplicationRequested,
    ApplicationError,
    ActivationFailed,
    InternalFailure,

    /// <summary>The cluster's membership changed and the grain now belongs to another silo.</summary>
    Migrating,
}

/// <summary>The reason handed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description, Exception? Exception = null)
{
    public override string ToString() => Exception is null ? $"{ReasonCode}: {Description}" : $"{ReasonCode}: {Description} ({Exception.GetType().Name}: {Exception.Message})";
}
