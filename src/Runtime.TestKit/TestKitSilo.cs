using System.Reflection;
using Im.Orleans.Catalog;
using Im.Orleans.Hosting;
using Im.Orleans.Runtime;
using Im.Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Im.Orleans.TestKit;

/// <summary>
/// A silo for grain unit tests: the real catalog and turn scheduler, ETag-enforcing test storage for every
/// storage name, manual time, probes for the grains the grain under test calls, and observer capture.
/// </summary>
public sealed class TestKitSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Silo _silo;
    private readonly GrainCatalog _catalog;
    private readonly GrainTypeManager _types;

    public TestKitSilo(Action<ISiloBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddOrleans(configure: silo =>
        {
            silo.Services.AddSingleton(sp => new TestGrainStorage(sp.GetRequiredService<Serialization.GrainSerializer>()));
            silo.Services.AddKeyedSingleton<IGrainStorage>(KeyedService.AnyKey, (sp, _) => sp.GetRequiredService<TestGrainStorage>());
            configure?.Invoke(silo);
        });
        _services = services.BuildServiceProvider();
        _silo = _services.GetRequiredService<Silo>();
        _silo.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _catalog = _services.GetRequiredService<GrainCatalog>();
        _types = _services.GetRequiredService<GrainTypeManager>();
        Storage = _services.GetRequiredService<TestGrainStorage>();
        GrainFactory = _services.GetRequiredService<IGrainFactory>();
    }

    public ManualTimeProvider Time { get; } = new();

    public TestGrainStorage Storage { get; }

    public IGrainFactory GrainFactory { get; }

    public IServiceProvider ServiceProvider => _services;

    /// <summary>How many grain activations exist (observers and probes not counted).</summary>
    public int ActivationCount => _catalog.Activations.Count(a => !a.ClassInfo.IsLocalObject && a.Status != ActivationStatus.Invalid);

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey => GrainFactory.GetGrain<TGrainInterface>(key);

    /// <summary>Activates the grain of class <typeparamref name="TGrain"/> with this key and returns its instance.</summary>
    public async Task<TGrain> CreateGrainAsync<TGrain>(string key) where TGrain : Grain
    {
        var activation = await _catalog.EnsureActivatedAsync(GrainIdOf<TGrain>(key));
        return (TGrain)activation.Instance!;
    }

    public Task<TGrain> CreateGrainAsync<TGrain>(Guid key) where TGrain : Grain => CreateGrainAsync<TGrain>(GrainKeyFormat.Format(key));

    public Task<TGrain> CreateGrainAsync<TGrain>(long key) where TGrain : Grain => CreateGrainAsync<TGrain>(GrainKeyFormat.Format(key));

    public bool IsActive<TGrain>(string key) where TGrain : Grain =>
        _catalog.TryGetActivation(GrainIdOf<TGrain>(key), out var activation) && activation!.Status != ActivationStatus.Invalid;

    /// <summary>What storage holds for the grain's [PersistentState] of type <typeparamref name="TState"/> (default when nothing is stored).</summary>
    public TState? State<TGrain, TState>(string key) where TGrain : Grain =>
        // The test storage is in memory and completes synchronously, so this never blocks.
        StateAsync<TGrain, TState>(key).GetAwaiter().GetResult();

    /// <summary>What storage holds for the grain's [PersistentState] of type <typeparamref name="TState"/>.</summary>
    public Task<TState?> StateAsync<TGrain, TState>(string key) where TGrain : Grain =>
        Storage.GetStoredAsync<TState>(GrainIdOf<TGrain>(key), StateNameOf<TGrain, TState>());

    /// <summary>Writes the grain's stored state as another process would, making a live activation's ETag stale.</summary>
    public Task WriteStateBehindGrainAsync<TGrain, TState>(string key, TState state) where TGrain : Grain =>
        Storage.WriteBehindGrainAsync(GrainIdOf<TGrain>(key), StateNameOf<TGrain, TState>(), state);

    /// <summary>Answers calls to grain <typeparamref name="T"/>/<paramref name="key"/> with an NSubstitute substitute.</summary>
    public T AddProbe<T>(string key) where T : class, IGrainWithStringKey
    {
        var probe = Substitute.For<T>();
        AddProbe(key, probe);
        return probe;
    }

    /// <summary>Answers calls to grain <typeparamref name="T"/>/<paramref name="key"/> with the given object.</summary>
    public void AddProbe<T>(string key, T probe) where T : class, IGrainWithStringKey =>
        _catalog.RegisterLocalObject(new GrainId(_types.GetGrainType(typeof(T)), key), probe, typeof(T));

    /// <summary>Makes an observer reference whose calls are recorded.</summary>
    public ObserverCapture<T> CaptureObserver<T>() where T : class, IGrainObserver => new(GrainFactory);

    /// <summary>Fires every grain timer once, now, and waits until the ticks ran.</summary>
    public async Task FireAllTimersAsync()
    {
        var ticks = _catalog.Activations.Where(a => a.HasTimers).SelectMany(a => a.Timers.Snapshot()).Select(t => t.FireNowAsync()).ToList();
        await Task.WhenAll(ticks);
        await QuiesceAsync();
    }

    /// <summary>
    /// Moves manual time forward one due timer at a time, letting the activations settle after each, so a timer
    /// tick or a timeout sees the time it was due at, not the end of the jump.
    /// </summary>
    public async Task AdvanceTimeAsync(TimeSpan delta)
    {
        // A caller can see its response a moment before the activation has closed the turn; settle first so
        // idle times are measured from where the test believes they start.
        await QuiesceAsync();
        var target = Time.GetUtcNow() + delta;
        while (Time.NextDue is { } due && due <= target)
        {
            Time.Advance(due - Time.GetUtcNow());
            await QuiesceAsync();
        }
        Time.Advance(target - Time.GetUtcNow());
        await QuiesceAsync();
    }

    /// <summary>Runs idle collection now and waits for the deactivations; returns how many activations were collected.</summary>
    public async Task<int> CollectIdleAsync()
    {
        var before = _catalog.Activations.ToList();
        var collected = _services.GetRequiredService<ActivationCollector>().CollectIdle();
        await Task.WhenAll(before.Where(a => a.Status == ActivationStatus.Deactivating).Select(a => a.Deactivated));
        return collected;
    }

    /// <summary>Waits until no activation has queued or running work (one-way calls and observer pushes delivered).</summary>
    public async Task QuiesceAsync(TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        var quietChecks = 0;
        while (quietChecks < 2)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Activations did not settle in time.");
            // Work that a timer or a response starts is queued before the callback returns, so a busy activation
            // is visible at once; a quiet look twice in a row (with a yield between) means settled.
            if (_catalog.Activations.Any(a => a.HasQueuedWork || a.RunningCount > 0 || a.WaitingCount > 0))
            {
                quietChecks = 0;
                await Task.Delay(1);
            }
            else
            {
                quietChecks++;
                await Task.Yield();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Shutdown waits for deactivations on the silo's clock, which is manual here: bound it in real time.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _silo.StopAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _services.DisposeAsync();
    }

    private GrainId GrainIdOf<TGrain>(string key)
    {
        return new GrainId(_types.GetGrainTypeOfClass(typeof(TGrain)), key);
    }

    private static string StateNameOf<TGrain, TState>()
    {
        var parameter = typeof(TGrain).GetConstructors().SelectMany(c => c.GetParameters())
            .FirstOrDefault(p => p.ParameterType == typeof(IPersistentState<TState>) && p.GetCustomAttribute<PersistentStateAttribute>() is not null)
            ?? throw new ArgumentException($"{typeof(TGrain).Name} has no [PersistentState] IPersistentState<{typeof(TState).Name}> parameter.");
        return parameter.GetCustomAttribute<PersistentStateAttribute>()!.StateName;
    }
}
