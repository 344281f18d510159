using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Storage.Tests;

/// <summary>A <see cref="GrainSerializer"/> that knows the test states; grain references never occur in them.</summary>
internal static class TestSerialization
{
    public static GrainSerializer CreateSerializer()
    {
        var options = new SerializationOptions();
        options.TypeInfoResolvers.Add(TestJsonContext.Default);
        return new GrainSerializer(Options.Create(options), new NoReferences());
    }

    private sealed class NoReferences : IGrainReferenceActivator
    {
        public object CreateReference(Type interfaceType, GrainId grainId) =>
            throw new NotSupportedException("The storage tests store no grain references.");
    }
}
