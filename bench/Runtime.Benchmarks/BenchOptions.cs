using System.Globalization;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>Command line: <c>[--quick] [--json PATH] [--duration SECONDS] [--activations N] [--profile [SECONDS]]</c>.</summary>
internal sealed record BenchOptions(bool Quick, string? JsonPath, TimeSpan Duration, TimeSpan WarmUp, TimeSpan FirstWarmUp, int Repetitions, int Activations, int ActivationConcurrency, TimeSpan? Profile = null)
{
    public static BenchOptions? Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchOptions(true, null, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.5), 3, 10_000, 256)
            : new BenchOptions(false, null, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), 3, 100_000, 256);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--json" when i + 1 < args.Length:
                    options = options with { JsonPath = args[++i] };
                    break;
                case "--duration" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    i++;
                    break;
                case "--activations" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var count) && count > 0:
                    options = options with { Activations = count };
                    i++;
                    break;
                case "--profile":
                    var profileSeconds = 5.0;
                    if (i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p > 0)
                    {
                        profileSeconds = p;
                        i++;
                    }
                    options = options with { Profile = TimeSpan.FromSeconds(profileSeconds) };
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine("usage: Runtime.Benchmarks [--quick] [--json PATH] [--duration SECONDS] [--activations N] [--profile [SECONDS]]");
                    return null;
            }
        }
        return options;
    }
}
