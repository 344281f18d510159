using System.Globalization;
using Im.Orleans.Configuration;
using Im.Orleans.Hosting;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>
/// <c>--profile [SECONDS]</c>: runs only the runtime's call loops, long enough to attach a profiler
/// (<c>dotnet-trace collect -- dotnet Im.Orleans.Runtime.Benchmarks.dll --profile 10</c>), and prints what each call
/// allocates, by type, from sampled allocation events. Each loop also runs, interleaved rep by rep, on a second silo
/// whose ResponseTimeout is infinite: such calls get no deadline, so the response tracker keeps no entry for them,
/// and the difference is what tracking costs.
/// </summary>
internal static class Profile
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync(TimeSpan duration)
    {
        using var sampler = new AllocationSampler();
        await using var tracked = await BenchSilo.StartAsync();
        await using var untracked = await BenchSilo.StartAsync(silo => silo.Configure<MessagingOptions>(o => o.ResponseTimeout = Timeout.InfiniteTimeSpan));
        (string Name, int Grains, int Callers)[] loops = [("one hot grain", 1, 1), ("one hot grain", 1, 64), ("1000 grains", 1000, 64)];
        foreach (var (name, grains, callers) in loops)
        {
            var key = $"profile/{callers}/";
            var defaultTargets = Enumerable.Range(0, grains).Select(i => tracked.Factory.GetGrain<IBenchGrain>(key + i)).ToArray();
            var untrackedTargets = Enumerable.Range(0, grains).Select(i => untracked.Factory.GetGrain<IBenchGrain>(key + i)).ToArray();
            await Harness.RunCallersAsync(defaultTargets, callers, TimeSpan.FromSeconds(1));
            await Harness.RunCallersAsync(untrackedTargets, callers, TimeSpan.FromSeconds(1));
            var defaults = new List<Sample>();
            var untrackeds = new List<Sample>();
            var types = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var rep = 0; rep < 3; rep++)
            {
                sampler.Start();
                defaults.Add(await Harness.RunCallersAsync(defaultTargets, callers, duration / 3));
                foreach (var (type, bytes) in sampler.Stop()) types[type] = types.GetValueOrDefault(type) + bytes;
                untrackeds.Add(await Harness.RunCallersAsync(untrackedTargets, callers, duration / 3));
            }

            var d = Measured.Of(defaults).Median;
            var u = Measured.Of(untrackeds).Median;
            Console.WriteLine(string.Create(Inv, $"{name}, callers={callers}: {d.PerSecond:N0} calls/s, {d.BytesPerOp:N0} B/call, {d.WorkItemsPerOp:0.00} thread-pool items/call, {d.ContentionsPerOp:0.000} lock contentions/call"));
            Console.WriteLine(string.Create(Inv, $"  without response tracking: {u.PerSecond:N0} calls/s ({u.PerSecond / d.PerSecond:0.00}x), {u.BytesPerOp:N0} B/call, {u.ContentionsPerOp:0.000} lock contentions/call"));
            var sampled = types.Values.Sum();
            foreach (var (type, bytes) in types.OrderByDescending(t => t.Value).Where(t => t.Value / sampled >= 0.005))
            {
                Console.WriteLine(string.Create(Inv, $"  {bytes / sampled,6:P1} ~{d.BytesPerOp * bytes / sampled,5:N0} B/call  {type}"));
            }
        }
    }
}
