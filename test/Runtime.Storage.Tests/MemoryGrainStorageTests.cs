using Xunit.Abstractions;

namespace Im.Orleans.Storage.Tests;

/// <summary>The conformance suite against <see cref="MemoryGrainStorage"/>.</summary>
public sealed class MemoryGrainStorageTests(ITestOutputHelper output) : GrainStorageConformanceTests(output)
{
    protected override Task<IGrainStorage> CreateStorageAsync(string providerName) =>
        Task.FromResult<IGrainStorage>(new MemoryGrainStorage(providerName, TestSerialization.CreateSerializer()));

    protected override Task<IGrainStorage?> CreateUnavailableStorageAsync(string providerName) => Task.FromResult<IGrainStorage?>(null);
}
