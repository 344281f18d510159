using System.Diagnostics;
using Im.Orleans.Runtime.Benchmarks;

var options = BenchOptions.Parse(args);
if (options is null) return 2;

if (options.Profile is { } profile)
{
    await Profile.RunAsync(profile);
    return 0;
}

var report = new Report(options);
report.PrintHeader();

// Throughput: the runtime, the plain-object ceiling and the channel actor, interleaved rep by rep so that noise on
// this shared machine hits all three alike.
(string Scenario, int Grains, int Callers)[] throughput =
[
    ("one hot grain", 1, 1), ("one hot grain", 1, 8), ("one hot grain", 1, 64),
    ("1000 grains", 1000, 64), ("1000 grains", 1000, 256),
];
await using (var silo = await BenchSilo.StartAsync())
{
    for (var n = 0; n < throughput.Length; n++)
    {
        var (scenario, grains, callers) = throughput[n];
        var runtime = Enumerable.Range(0, grains).Select(i => silo.Factory.GetGrain<IBenchGrain>($"{scenario}/{callers}/{i}")).ToArray();
        var direct = Enumerable.Range(0, grains).Select(_ => (IBenchGrain)new PlainCounter()).ToArray();
        var actors = Enumerable.Range(0, grains).Select(_ => new ChannelActor()).ToArray();
        IBenchGrain[][] subjects = [runtime, direct, actors];
        var samples = subjects.Select(_ => new List<Sample>()).ToArray();
        // The first scenario warms longer: its code is still at tier 0 until the JIT's background tier-up catches up.
        var warmUp = n == 0 ? options.FirstWarmUp : options.WarmUp;
        foreach (var subject in subjects) await Harness.RunCallersAsync(subject, callers, warmUp);
        for (var rep = 0; rep < options.Repetitions; rep++)
        {
            for (var s = 0; s < subjects.Length; s++) samples[s].Add(await Harness.RunCallersAsync(subjects[s], callers, options.Duration));
        }
        await Task.WhenAll(actors.Select(a => a.StopAsync()));
        report.AddThroughput(new ThroughputResult(scenario, grains, callers, Measured.Of(samples[0]), Measured.Of(samples[1]), Measured.Of(samples[2])));
    }
}

// Activations and idle memory: a fresh silo per repetition, so each starts from the same catalog size.
var plainBytes = Harness.PlainObjectBytes(options.Activations);
var activationSamples = new List<Sample>();
var memorySamples = new List<double>();
var deactivationRates = new List<double>();
for (var rep = 0; rep < options.Repetitions; rep++)
{
    var silo = await BenchSilo.StartAsync();
    await Harness.ActivateAsync(silo.Factory, [.. Enumerable.Range(0, 1000).Select(i => $"warm-{i}")], options.ActivationConcurrency);
    var keys = Enumerable.Range(0, options.Activations).Select(i => $"rep{rep}-{i}").ToArray();
    var before = Harness.SettledHeapBytes();
    activationSamples.Add(await Harness.ActivateAsync(silo.Factory, keys, options.ActivationConcurrency));
    var after = Harness.SettledHeapBytes();
    memorySamples.Add((after - before) / (double)keys.Length);
    GC.KeepAlive(keys);
    var stopwatch = Stopwatch.StartNew();
    await silo.DisposeAsync();
    deactivationRates.Add((keys.Length + 1000) / stopwatch.Elapsed.TotalSeconds);
}
report.SetActivations(new ActivationResult(options.Activations, options.ActivationConcurrency, Measured.Of(activationSamples),
    memorySamples.Order().ElementAt(memorySamples.Count / 2), plainBytes, deactivationRates.Order().ElementAt(deactivationRates.Count / 2)));

report.PrintTable();
report.PrintJson();
return 0;
