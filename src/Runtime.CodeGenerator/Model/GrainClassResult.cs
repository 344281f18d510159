namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>What analysing one class produced: a grain class to register and/or a diagnostic.</summary>
    internal sealed record GrainClassResult(GrainClassModel? Model, DiagnosticInfo? Diagnostic);
}
