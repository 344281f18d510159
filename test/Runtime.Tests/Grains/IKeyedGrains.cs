namespace Im.Orleans.Runtime.Tests.Grains;

public interface IGuidKeyGrain : IGrainWithGuidKey
{
    Task<Guid> Key();
}

public interface IIntegerKeyGrain : IGrainWithIntegerKey
{
    Task<long> Key();
}

public sealed class GuidKeyGrain : Grain, IGuidKeyGrain
{
    public Task<Guid> Key() => Task.FromResult(GetPrimaryKey());
}

public sealed class IntegerKeyGrain : Grain, IIntegerKeyGrain
{
    public Task<long> Key() => Task.FromResult(GetPrimaryKeyLong());
}
