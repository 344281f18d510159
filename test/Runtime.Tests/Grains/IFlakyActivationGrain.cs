using System.Collections.Concurrent;

namespace Im.Orleans.Runtime.Tests.Grains;

public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<int> Attempt();
}

/// <summary>OnActivateAsync throws on the first activation of each key and succeeds after.</summary>
public sealed class FlakyActivationGrain : Grain, IFlakyActivationGrain
{
    private static readonly ConcurrentDictionary<string, int> s_attempts = new();
    private int _attempt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _attempt = s_attempts.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
        if (_attempt == 1) throw new TestGrainException("database said no");
        return Task.CompletedTask;
    }

    public Task<int> Attempt() => Task.FromResult(_attempt);
}

/// <summary>A grain interface nobody implements.</summary>
public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task<int> Anything();
}
