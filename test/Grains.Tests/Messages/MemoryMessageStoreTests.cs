using Im.Orleans.Grains.Messages;
using Xunit.Abstractions;

namespace Im.Orleans.Grains.Tests.Messages;

public sealed class MemoryMessageStoreTests(ITestOutputHelper output) : MessageStoreConformanceTests(output)
{
    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new MemoryMessageStore());
}
