using Im.Orleans.Concurrency;

namespace Im.Orleans.Runtime.Tests.Grains;

[GrainType("counter")]
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);
    [ReadOnly] Task<int> Get();
    Task<int> AddAndSave(int amount);
    Task Fail(string message);
    Task Deactivate();
    Task<int> ActivationNumber();
    [OneWay] Task FireAndForget(int amount, bool fail);
    Task<string?> ReadRequestContext(string key);
    Task<string?> ReadRequestContextThrough(string otherKey, string key);
    Task<Note> Echo(Note note);
    Task<bool> SameInstance(List<int> list, int marker);
    Task Take(NotSerializable value);
    Task<bool> ClearAndCheck();
}

public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    ActivationLog log) : Grain, ICounterGrain
{
    private int _activationNumber;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activationNumber = log.Activated(GrainId);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Deactivated(GrainId, reason);
        return Task.CompletedTask;
    }

    public Task<int> Add(int amount) => Task.FromResult(state.State.Value += amount);

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public async Task<int> AddAndSave(int amount)
    {
        state.State.Value += amount;
        state.State.History.Add($"+{amount}");
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task Fail(string message) => throw new TestGrainException(message);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<int> ActivationNumber() => Task.FromResult(_activationNumber);

    public Task FireAndForget(int amount, bool fail)
    {
        if (fail) throw new TestGrainException("one-way failure");
        state.State.Value += amount;
        return Task.CompletedTask;
    }

    public Task<string?> ReadRequestContext(string key) => Task.FromResult(RequestContext.Get(key) as string);

    public Task<string?> ReadRequestContextThrough(string otherKey, string key) => GrainFactory.GetGrain<ICounterGrain>(otherKey).ReadRequestContext(key);

    public Task<Note> Echo(Note note) => Task.FromResult(note with { Text = note.Text + "!" });

    public Task<bool> SameInstance(List<int> list, int marker) => Task.FromResult(list.Count > 0 && list[^1] == marker && ReferenceEquals(list, LocalCallProbe.Last));

    public Task Take(NotSerializable value) => Task.CompletedTask;

    public async Task<bool> ClearAndCheck()
    {
        await state.ClearStateAsync();
        return state.RecordExists;
    }
}

/// <summary>Lets a test hand the grain the very list object it sends, to prove local calls pass objects, not copies.</summary>
public static class LocalCallProbe
{
    public static volatile List<int>? Last;
}
