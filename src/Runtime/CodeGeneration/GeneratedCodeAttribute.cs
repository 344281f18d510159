namespace Im.Orleans.CodeGeneration;

/// <summary>Emitted by the source generator on each assembly it ran on; names the type that registers its code.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GeneratedCodeAttribute(Type registrationType) : Attribute
{
    public Type RegistrationType { get; } = registrationType;
}

/// <summary>Implemented by the generated registration type of each assembly (which has a public parameterless constructor).</summary>
public interface IGeneratedCodeRegistration
{
    void Register(GeneratedCodeRegistry registry);
}
