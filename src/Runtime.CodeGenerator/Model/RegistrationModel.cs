namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>Everything the per-assembly registration class references, sorted so the output is deterministic.</summary>
    internal sealed record RegistrationModel(
        string GeneratedNamespace,
        EquatableArray<RegisteredInterface> Interfaces,
        EquatableArray<GrainClassModel> GrainClasses);
}
