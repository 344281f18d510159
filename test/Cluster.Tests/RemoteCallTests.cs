using Im.Orleans.Cluster.Tests.Grains;
using Im.Orleans.Runtime;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>What a caller sees of a grain in another process: results, exceptions, request context, observers.</summary>
public sealed class RemoteCallTests
{
    [Fact]
    public async Task An_application_exception_keeps_its_type_code_and_message()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 1);

        var e = await Assert.ThrowsAsync<CodedException>(() => cluster.GrainFactory.GetGrain<IPlacedGrain>("x").Fail("forbidden", "not yours"));

        Assert.Equal("forbidden", e.Code);
        Assert.Equal("not yours", e.Message);
    }

    [Fact]
    public async Task Request_context_travels_with_the_call()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 1);
        RequestContext.Set("trace", "abc-123");
        try
        {
            Assert.Equal("abc-123", await cluster.GrainFactory.GetGrain<IPlacedGrain>("ctx").Trace());
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    [Fact]
    public async Task A_client_observer_gets_a_remote_grains_calls_in_order()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2);
        var observer = new RecordingObserver();
        var reference = cluster.Client.GrainFactory.CreateObjectReference<INoteObserver>(observer);
        var grains = Enumerable.Range(0, 4).Select(i => cluster.GrainFactory.GetGrain<IPlacedGrain>($"notes-{i}")).ToList();
        foreach (var grain in grains) await grain.Subscribe(reference);

        foreach (var grain in grains) await grain.Notify(200);
        await observer.WaitForAsync(4 * 200);

        for (var i = 0; i < grains.Count; i++) Assert.Equal(Enumerable.Range(1, 200), observer.NotesOf($"notes-{i}"));
    }

    private sealed class RecordingObserver : INoteObserver
    {
        private readonly List<(string Grain, int Sequence)> _notes = [];
        private readonly TaskCompletionSource _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _wanted = int.MaxValue;

        public void Note(string grain, int sequence)
        {
            lock (_notes)
            {
                _notes.Add((grain, sequence));
                if (_notes.Count >= _wanted) _enough.TrySetResult();
            }
        }

        public Task WaitForAsync(int count)
        {
            lock (_notes)
            {
                _wanted = count;
                if (_notes.Count >= count) _enough.TrySetResult();
            }
            return _enough.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public IEnumerable<int> NotesOf(string grain)
        {
            lock (_notes) return [.. _notes.Where(n => n.Grain == grain).Select(n => n.Sequence)];
        }
    }
}
