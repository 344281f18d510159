namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>What analysing one grain interface produced: a model to emit, or null when it has errors, plus its diagnostics.</summary>
    internal sealed record InterfaceResult(InterfaceModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
