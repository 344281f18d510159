namespace Im.Orleans.CodeGenerator.Tests.Sources;

/// <summary>A grain interface compiled into a separate assembly, as if it came from a referenced package.</summary>
internal static class ExternalSnippet
{
    public const string AssemblyName = "External.Contracts";

    public const string Source = """
        using System.Threading.Tasks;
        using Im.Orleans;
        using Im.Orleans.Concurrency;

        namespace External
        {
            public interface IExternalGrain : IGrainWithStringKey
            {
                Task<string> Echo(string text);
                [ReadOnly] ValueTask<int> Count();
            }
        }
        """;
}
