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

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        _attempt = s_attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        // Keys starting with "gated" hold the first activation until the test opens the gate named after the key.
        if (_attempt == 1 && key.StartsWith("gated", StringComparison.Ordinal)) await Gates.Get(key).Task;
        if (_attempt == 1) throw new TestGrainException("database said no");
    }

    public Task<int> Attempt() => Task.FromResult(_attempt);
}

/// <summary>A grain interface nobody implements.</summary>
public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task<int> Anything();
}
