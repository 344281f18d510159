namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>The part of an <see cref="InterfaceModel"/> the registration needs, so it is not re-emitted on unrelated method edits.</summary>
    internal sealed record RegisteredInterface(string FullName, string ProxyName, EquatableArray<string> InvokableNames, bool IsPublic);
}
