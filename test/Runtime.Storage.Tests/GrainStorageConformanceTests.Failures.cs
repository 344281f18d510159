using System.Diagnostics;
using System.Text;
using Im.Orleans.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Storage.Tests;

// Concurrency, payload extremes, failures and the write-rate measurement.
public abstract partial class GrainStorageConformanceTests
{
    // Long enough for a real connection attempt with Timeout=3, short enough that a hang fails the test.
    private static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(20);

    protected GrainStorageConformanceTests(ITestOutputHelper output) => Output = output;

    protected ITestOutputHelper Output { get; }

    [Fact]
    public async Task Of_concurrent_writers_holding_the_same_etag_exactly_one_wins()
    {
        var grainId = NewGrainId();
        var initial = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, initial);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 20).Select(async i =>
        {
            var state = new GrainState<TestState>(new TestState { Name = $"writer {i}", Count = i }) { ETag = initial.ETag };
            await start.Task;
            await Storage.WriteStateAsync("profile", grainId, state);
            return state;
        }).ToList();

        start.SetResult();
        var outcomes = await Task.WhenAll(writers.Select(async w =>
        {
            try
            {
                return (Winner: await w, Error: (Exception?)null);
            }
            catch (Exception e)
            {
                return (Winner: (GrainState<TestState>?)null, Error: e);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Winner is not null).Winner!;
        Assert.All(outcomes.Where(o => o.Winner is null), o => Assert.IsType<InconsistentStateException>(o.Error));
        var read = await ReadAsync(grainId, "profile");
        Assert.Equal(winner.State.Name, read.State.Name);
        Assert.Equal(winner.ETag, read.ETag);
    }

    [Fact]
    public async Task Unicode_and_emoji_round_trip()
    {
        var grainId = NewGrainId();
        var text = "Grüße, 你好, Привет, \u05e9\u05dc\u05d5\u05dd, 🚀👩‍💻🏳️‍🌈, quote \" backslash \\ tab \t nul \0 end";
        await Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(new TestState { Name = text, Tags = [text, "😀"] }));

        var read = await ReadAsync(grainId, "profile");

        Assert.Equal(text, read.State.Name);
        Assert.Equal([text, "😀"], read.State.Tags);
    }

    [Fact]
    public async Task A_one_megabyte_payload_round_trips()
    {
        var grainId = NewGrainId();
        var builder = new StringBuilder(1 << 20);
        for (var i = 0; builder.Length < 1 << 20; i++) builder.Append(i).Append(i % 7 == 0 ? 'é' : 'x');
        var large = new TestState { Name = builder.ToString(), Tags = [.. Enumerable.Range(0, 1000).Select(i => $"tag-{i}")] };
        var state = new GrainState<TestState>(large);
        await Storage.WriteStateAsync("profile", grainId, state);
        await Storage.WriteStateAsync("profile", grainId, state);

        var read = await ReadAsync(grainId, "profile");

        Assert.Equal(large.Name, read.State.Name);
        Assert.Equal(large.Tags, read.State.Tags);
    }

    [Fact]
    public async Task Reading_a_payload_that_does_not_fit_the_state_type_throws_storage_exception_naming_the_grain()
    {
        var grainId = NewGrainId();
        await Storage.WriteStateAsync("profile", grainId, new GrainState<string>("a plain string, not a TestState"));
        var target = new GrainState<TestState>(Sample()) { ETag = "unchanged" };

        var e = await Assert.ThrowsAsync<GrainStorageException>(() => Storage.ReadStateAsync("profile", grainId, target));

        AssertNames(e, grainId, "profile");
        Assert.NotNull(e.InnerException);
        Assert.Equal("unchanged", target.ETag);
    }

    /// <summary>Run by the database providers' classes only: the memory provider has no raw records to corrupt.</summary>
    protected async Task AssertCorruptPayloadFailsAsync()
    {
        var grainId = NewGrainId();
        await Storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(Sample()));
        Assert.True(await CorruptPayloadAsync(grainId, "profile"), "the provider's test class must be able to corrupt a record");

        var e = await Assert.ThrowsAsync<GrainStorageException>(() => Storage.ReadStateAsync("profile", grainId, new GrainState<TestState>(null!)));

        AssertNames(e, grainId, "profile");
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public async Task Writing_a_type_outside_every_json_context_throws_storage_exception()
    {
        var grainId = NewGrainId();

        var e = await Assert.ThrowsAsync<GrainStorageException>(
            () => Storage.WriteStateAsync("odd", grainId, new GrainState<UnregisteredState>(new UnregisteredState())));

        AssertNames(e, grainId, "odd");
        Assert.False((await ReadAsync(grainId, "odd")).RecordExists);
    }

    /// <summary>Run by the database providers' classes only: the memory provider cannot be unreachable.</summary>
    protected async Task AssertUnreachableStoreFailsAsync()
    {
        var storage = await CreateUnavailableAndTrackAsync("unreachable-store");
        Assert.NotNull(storage);

        var grainId = NewGrainId();
        var operations = new (string Name, Func<GrainState<TestState>, Task> Run)[]
        {
            ("read", s => storage.ReadStateAsync("profile", grainId, s)),
            ("write", s => storage.WriteStateAsync("profile", grainId, s)),
            ("write", s => storage.WriteStateAsync("profile", grainId, new GrainState<TestState>(Sample()) { ETag = "3" })),
            ("clear", s => storage.ClearStateAsync("profile", grainId, s)),
        };

        foreach (var (name, run) in operations)
        {
            var stopwatch = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<GrainStorageException>(() => run(new GrainState<TestState>(Sample())).WaitAsync(FailureBound));
            Output.WriteLine($"{name} failed after {stopwatch.ElapsedMilliseconds} ms: {e.Message}");
            AssertNames(e, grainId, "profile", "unreachable-store");
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
            Assert.NotNull(e.InnerException);
        }
    }

    [Fact]
    [Trait("Category", "Measure")]
    public async Task Measure_sequential_writes_of_one_state()
    {
        // A report, not an assertion: run with --logger "console;verbosity=detailed" to see the rate.
        var grainId = NewGrainId();
        var state = new GrainState<TestState>(Sample());
        await Storage.WriteStateAsync("profile", grainId, state);
        var stopwatch = Stopwatch.StartNew();
        var writes = 0;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(1) && writes < 200_000)
        {
            state.State.Count = writes++;
            await Storage.WriteStateAsync("profile", grainId, state);
        }

        stopwatch.Stop();
        Output.WriteLine($"{GetType().Name}: {writes / stopwatch.Elapsed.TotalSeconds:F0} writes/s ({writes} writes in {stopwatch.ElapsedMilliseconds} ms)");
        Assert.Equal(writes - 1, (await ReadAsync(grainId, "profile")).State.Count);
    }

    private static void AssertNames(GrainStorageException e, GrainId grainId, string stateName, string providerName = ProviderName)
    {
        Assert.Contains(providerName, e.Message, StringComparison.Ordinal);
        Assert.Contains(grainId.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(stateName, e.Message, StringComparison.Ordinal);
    }
}
