using Im.Orleans.Cluster.Tests.Grains;
using Im.Orleans.Runtime;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Cluster.Tests;

/// <summary>
/// Silos crash, drain and join under steady traffic, with state and membership in PostgreSQL: callers keep being
/// served, no stored increment is lost or applied twice, and each grain ends with one activation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FailoverTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_crashed_silos_grains_serve_again_on_the_survivors_with_their_state()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3, await postgres.CreateDatabaseAsync(Database()));
        await using var traffic = new TrafficLoop(cluster, grains: 24);
        await traffic.WaitForProgressAsync(3, TimeSpan.FromSeconds(30));

        var victim = cluster.Silos[0];
        var killedAt = DateTimeOffset.UtcNow;
        await victim.KillAsync();
        await cluster.WaitForActiveSilosAsync(2);
        await traffic.WaitForProgressAsync(3, TimeSpan.FromSeconds(30));
        await traffic.StopAsync();

        output.WriteLine($"{traffic.Successes} increments answered, {traffic.Failures.Count} failed; every grain answered again {traffic.LongestWaitAfter(killedAt).TotalMilliseconds:F0} ms after the kill (death timeout {cluster.Options.DeathTimeout.TotalMilliseconds:F0} ms)");
        foreach (var failure in traffic.Failures) output.WriteLine($"  {failure.Grain}: {failure.Error.GetType().Name}: {failure.Error.Message}");
        // Only calls in flight to the crashed silo may fail, and only with the error that says so.
        Assert.All(traffic.Failures, f => Assert.IsType<SiloUnavailableException>(f.Error));
        Assert.True(traffic.Failures.Count <= traffic.Keys.Count, $"{traffic.Failures.Count} failures for {traffic.Keys.Count} grains");
        await AssertStoredCountsMatchAsync(cluster, traffic);
    }

    [Fact]
    public async Task A_read_only_call_in_flight_to_a_crashed_silo_is_answered_by_the_new_owner_and_any_other_fails()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3);
        var victim = cluster.Silos[0];
        var keys = new List<string>();
        for (var i = 0; keys.Count < 2; i++)
        {
            var key = $"slow-{Guid.NewGuid():N}-{i}";
            if (await cluster.GrainFactory.GetGrain<IPlacedGrain>(key).WhereAmI() == victim.NodeId) keys.Add(key);
        }

        var readOnly = cluster.GrainFactory.GetGrain<IPlacedGrain>(keys[0]).WhereAmIAfter(1_000);
        var writing = cluster.GrainFactory.GetGrain<IPlacedGrain>(keys[1]).WhereAmIAfterWriting(1_000);
        using var started = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!keys.All(k => PlacedGrain.SlowCallsStarted.ContainsKey(k))) await Task.Delay(10, started.Token);
        await victim.KillAsync();

        // The read-only call ran on the victim, was lost with its connection, and ran again on a survivor.
        var answeredBy = await readOnly;
        Assert.Contains(answeredBy, cluster.Silos.Skip(1).Select(s => s.NodeId));
        Assert.Equal(2, PlacedGrain.SlowCallsStarted[keys[0]]);
        // The other may have had effects there: the caller learns it was cut off, and nothing runs it twice.
        await Assert.ThrowsAsync<SiloUnavailableException>(() => writing);
        Assert.Equal(1, PlacedGrain.SlowCallsStarted[keys[1]]);
    }

    [Fact]
    public async Task A_draining_silo_hands_its_grains_over_without_a_single_failed_call()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3, await postgres.CreateDatabaseAsync(Database()));
        await using var traffic = new TrafficLoop(cluster, grains: 24);
        await traffic.WaitForProgressAsync(3, TimeSpan.FromSeconds(30));

        await cluster.Silos[1].StopAsync();
        await cluster.WaitForActiveSilosAsync(2);
        await traffic.WaitForProgressAsync(3, TimeSpan.FromSeconds(30));
        await traffic.StopAsync();

        output.WriteLine($"{traffic.Successes} increments answered, {traffic.Failures.Count} failed");
        foreach (var failure in traffic.Failures) output.WriteLine($"  {failure.Grain}: {failure.Error}");
        Assert.Empty(traffic.Failures);
        await AssertStoredCountsMatchAsync(cluster, traffic);
    }

    [Fact]
    public async Task A_joining_silo_takes_grains_without_a_single_failed_call()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2, await postgres.CreateDatabaseAsync(Database()));
        await using var traffic = new TrafficLoop(cluster, grains: 24);
        await traffic.WaitForProgressAsync(3, TimeSpan.FromSeconds(30));

        var joined = await cluster.StartSiloAsync();
        await cluster.WaitForActiveSilosAsync(3);
        await traffic.WaitForProgressAsync(3, TimeSpan.FromSeconds(30));
        await traffic.StopAsync();

        output.WriteLine($"{traffic.Successes} increments answered, {traffic.Failures.Count} failed; the new silo holds {joined.ActiveGrains.Count} grains");
        foreach (var failure in traffic.Failures) output.WriteLine($"  {failure.Grain}: {failure.Error}");
        Assert.Empty(traffic.Failures);
        Assert.NotEmpty(joined.ActiveGrains);
        await AssertStoredCountsMatchAsync(cluster, traffic);
    }

    private static string Database() => $"failover_{Guid.NewGuid():N}"[..24];

    /// <summary>
    /// Each grain's answers rise by one with no value twice (no lost or doubled write reached a caller), and the
    /// stored count covers every answer; a call that failed in flight may have been stored, so it may add one.
    /// </summary>
    private static async Task AssertStoredCountsMatchAsync(TestKit.Cluster.TestCluster cluster, TrafficLoop traffic)
    {
        foreach (var key in traffic.Keys)
        {
            var answers = traffic.AnswersOf(key);
            Assert.Equal(answers.Count, answers.Distinct().Count());
            Assert.True(answers.SequenceEqual(answers.Order()), $"{key} answered out of order: {string.Join(",", answers)}");
            var stored = await cluster.GrainFactory.GetGrain<IPlacedGrain>(key).Get();
            var failed = traffic.Failures.Count(f => f.Grain == key);
            Assert.InRange(stored, answers.Count, answers.Count + failed);
            if (answers.Count > 0) Assert.True(stored >= answers[^1], $"{key} stored {stored} after answering {answers[^1]}");
        }
        var id = (string key) => new GrainId("Im.Orleans.Cluster.Tests.Grains.IPlacedGrain", key);
        Assert.All(traffic.Keys, key => Assert.Single(cluster.Silos.Where(s => s.IsRunning), s => s.ActiveGrains.Contains(id(key))));
    }
}
