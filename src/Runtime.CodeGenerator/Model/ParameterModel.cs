namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>A grain method parameter: its (keyword-escaped) name, its declared type and that type as typeof accepts it.</summary>
    internal sealed record ParameterModel(string Name, string Type, string TypeOfType, bool IsParams);
}
