namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>
    /// One grain method as the proxy and its invokable need it. <see cref="InvokableName"/> is a top-level class in
    /// the generated namespace unless <see cref="IsExternal"/>, in which case it is nested in the proxy.
    /// </summary>
    internal sealed record MethodModel(
        string Name,
        string EscapedName,
        string DeclaringInterface,
        string InvokableName,
        int MethodId,
        ReturnKind ReturnKind,
        string? ResultType,
        EquatableArray<ParameterModel> Parameters,
        int Options,
        long? ResponseTimeoutTicks,
        bool IsExternal)
    {
        public bool IsOneWay => (Options & OptionFlags.OneWay) != 0;
    }
}
