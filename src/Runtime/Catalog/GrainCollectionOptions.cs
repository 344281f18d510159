namespace Im.Orleans.Configuration;

/// <summary>Activation lifetime settings, bound from configuration section "Orleans:GrainCollection".</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an activation may go without a request before it is collected.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long OnActivateAsync (including loading state) may take.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long OnDeactivateAsync may take before the activation is dropped anyway.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
