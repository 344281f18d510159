namespace Im.Orleans.Runtime.Tests.Grains;

public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="next"/>, which calls back: a cycle between two non-reentrant grains.</summary>
    Task<string> Ping(string next, int hops);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> Ping(string next, int hops) =>
        hops == 0 ? Task.FromResult(GetPrimaryKeyString()) : GrainFactory.GetGrain<IPingGrain>(next).Ping(GetPrimaryKeyString(), hops - 1);
}
