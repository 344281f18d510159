using Im.Orleans.Runtime;
using Xunit;

namespace Im.Orleans.Storage.Tests;

/// <summary>The behaviour every <see cref="IGrainStorage"/> provider must show; one derived class per provider.</summary>
public abstract partial class GrainStorageConformanceTests : IAsyncLifetime
{
    protected const string ProviderName = "conformance-store";
    private readonly List<IGrainStorage> _storages = [];

    protected IGrainStorage Storage { get; private set; } = null!;

    /// <summary>A working provider named <paramref name="providerName"/>; the base class disposes it.</summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync(string providerName);

    /// <summary>A provider whose backing store cannot be reached; null when the provider has no such store.</summary>
    protected abstract Task<IGrainStorage?> CreateUnavailableStorageAsync(string providerName);

    /// <summary>Overwrites the stored payload with text that is not JSON; false when the provider has no raw access.</summary>
    protected virtual Task<bool> CorruptPayloadAsync(GrainId grainId, string stateName) => Task.FromResult(false);

    public async Task InitializeAsync() => Storage = await CreateAndTrackAsync(ProviderName);

    public async Task DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            if (storage is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (storage is IDisposable disposable) disposable.Dispose();
        }

        await OnDisposedAsync();
    }

    /// <summary>Runs after the providers are disposed, for removing files or databases.</summary>
    protected virtual Task OnDisposedAsync() => Task.CompletedTask;

    [Fact]
    public async Task Read_of_missing_record_gives_new_state_and_no_etag()
    {
        var state = new GrainState<TestState>(null!) { ETag = "stale", RecordExists = true };

        await Storage.ReadStateAsync("profile", NewGrainId(), state);

        Assert.Equivalent(new TestState(), state.State, strict: true);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Read_of_missing_struct_state_gives_default()
    {
        var state = new GrainState<TestCounter>(new TestCounter { Value = 7 });

        await Storage.ReadStateAsync("counter", NewGrainId(), state);

        Assert.Equal(0, state.State.Value);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Write_with_null_etag_creates_the_record()
    {
        var state = new GrainState<TestState>(Sample());

        await Storage.WriteStateAsync("profile", NewGrainId(), state);

        Assert.NotNull(state.ETag);
        Assert.True(state.RecordExists);
    }

    [Fact]
    public async Task Read_returns_what_was_written()
    {
        var grainId = NewGrainId();
        var written = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, written);

        var read = new GrainState<TestState>(null!);
        await Storage.ReadStateAsync("profile", grainId, read);

        Assert.Equivalent(Sample(), read.State, strict: true);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Every_write_and_clear_produces_a_higher_etag()
    {
        var grainId = NewGrainId();
        var state = new GrainState<TestState>(Sample());
        var etags = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await Storage.WriteStateAsync("profile", grainId, state);
            etags.Add(long.Parse(state.ETag!, System.Globalization.CultureInfo.InvariantCulture));
        }

        await Storage.ClearStateAsync("profile", grainId, state);
        etags.Add(long.Parse(state.ETag!, System.Globalization.CultureInfo.InvariantCulture));
        await Storage.WriteStateAsync("profile", grainId, state);
        etags.Add(long.Parse(state.ETag!, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(etags.Order(), etags);
        Assert.Equal(etags.Count, etags.Distinct().Count());
    }

    [Fact]
    public async Task Write_with_stale_etag_throws_inconsistent_state()
    {
        var grainId = NewGrainId();
        var first = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, first);
        var stale = new GrainState<TestState>(Sample()) { ETag = first.ETag };
        await Storage.WriteStateAsync("profile", grainId, first);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("profile", grainId, stale));

        Assert.Equal(first.ETag, e.StoredEtag);
        Assert.Equal(stale.ETag, e.CurrentEtag);
        Assert.Equal(first.ETag, (await ReadAsync(grainId, "profile")).ETag);
    }

    [Fact]
    public async Task Write_with_null_etag_on_existing_record_throws_inconsistent_state()
    {
        var grainId = NewGrainId();
        var existing = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, existing);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(new TestState { Name = "intruder" })));

        Assert.Equal(existing.ETag, e.StoredEtag);
        Assert.Equal("Ada", (await ReadAsync(grainId, "profile")).State.Name);
    }

    [Fact]
    public async Task Write_with_an_etag_never_issued_throws_inconsistent_state()
    {
        var grainId = NewGrainId();
        await Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(Sample()));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(Sample()) { ETag = "not-a-version" }));
    }

    [Fact]
    public async Task Clear_then_read_gives_no_record_new_state_and_an_etag()
    {
        var grainId = NewGrainId();
        var state = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, state);

        await Storage.ClearStateAsync("profile", grainId, state);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        Assert.Equivalent(new TestState(), state.State, strict: true);
        var read = await ReadAsync(grainId, "profile");
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equivalent(new TestState(), read.State, strict: true);
    }

    [Fact]
    public async Task Clear_of_a_never_written_state_leaves_an_etag_that_later_writes_must_present()
    {
        var grainId = NewGrainId();
        var state = new GrainState<TestState>(Sample());

        await Storage.ClearStateAsync("profile", grainId, state);

        Assert.NotNull(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(state.ETag, (await ReadAsync(grainId, "profile")).ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(Sample())));
        await Storage.WriteStateAsync("profile", grainId, state);
        Assert.True((await ReadAsync(grainId, "profile")).RecordExists);
    }

    [Fact]
    public async Task Clear_with_stale_etag_throws_inconsistent_state()
    {
        var grainId = NewGrainId();
        var state = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, state);
        var stale = new GrainState<TestState>(Sample()) { ETag = state.ETag };
        await Storage.WriteStateAsync("profile", grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync("profile", grainId, stale));

        Assert.True((await ReadAsync(grainId, "profile")).RecordExists);
    }

    [Fact]
    public async Task Write_after_clear_with_current_etag_works_and_stale_writers_still_fail()
    {
        var grainId = NewGrainId();
        var state = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, state);
        var beforeClear = new GrainState<TestState>(Sample()) { ETag = state.ETag };
        await Storage.ClearStateAsync("profile", grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("profile", grainId, beforeClear));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(Sample())));
        state.State = new TestState { Name = "after clear" };
        await Storage.WriteStateAsync("profile", grainId, state);

        var read = await ReadAsync(grainId, "profile");
        Assert.True(read.RecordExists);
        Assert.Equal("after clear", read.State.Name);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task Records_are_isolated_by_grain_type_key_and_state_name()
    {
        var grainId = NewGrainId("alpha");
        await Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(new TestState { Name = "original" }));
        var neighbours = new (GrainId GrainId, string StateName)[]
        {
            (new GrainId("beta", grainId.Key), "profile"),
            (new GrainId("alpha", grainId.Key + "x"), "profile"),
            (grainId, "settings"),
        };

        foreach (var (otherId, stateName) in neighbours)
        {
            Assert.False((await ReadAsync(otherId, stateName)).RecordExists);
            var other = new GrainState<TestState>(new TestState { Name = $"{otherId}:{stateName}" });
            await Storage.WriteStateAsync(stateName, otherId, other);
            await Storage.ClearStateAsync(stateName, otherId, other);
        }

        var original = await ReadAsync(grainId, "profile");
        Assert.True(original.RecordExists);
        Assert.Equal("original", original.State.Name);
    }

    private static GrainId NewGrainId(string type = "conformance-grain") => new(type, Guid.NewGuid().ToString("N"));

    private async Task<GrainState<TestState>> ReadAsync(GrainId grainId, string stateName)
    {
        var state = new GrainState<TestState>(null!);
        await Storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }

    private async Task<IGrainStorage> CreateAndTrackAsync(string providerName)
    {
        var storage = await CreateStorageAsync(providerName);
        _storages.Add(storage);
        return storage;
    }

    private async Task<IGrainStorage?> CreateUnavailableAndTrackAsync(string providerName)
    {
        var storage = await CreateUnavailableStorageAsync(providerName);
        if (storage is not null) _storages.Add(storage);
        return storage;
    }

    private static TestState Sample() => new()
    {
        Name = "Ada",
        Count = 42,
        Tags = ["first", "second"],
        Address = new TestAddress { Street = "12 Analytical Row", City = "London" },
    };
}
