namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>
    /// A grain interface to generate: its proxy and the invokables of its own methods. <see cref="Methods"/> holds the
    /// own methods first (index == MethodId), then those inherited from base grain interfaces.
    /// </summary>
    internal sealed record InterfaceModel(
        string FullName,
        string SanitizedName,
        string GeneratedNamespace,
        bool IsPublic,
        int OwnMethodCount,
        EquatableArray<MethodModel> Methods)
    {
        public string ProxyName => "Proxy_" + SanitizedName;
    }
}
