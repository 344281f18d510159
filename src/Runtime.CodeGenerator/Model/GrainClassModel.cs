namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>A concrete grain class to register: an expression evaluating to its Type, keyed by its full name for sorting.</summary>
    internal sealed record GrainClassModel(string FullName, string TypeExpression, bool IsPublic);
}
