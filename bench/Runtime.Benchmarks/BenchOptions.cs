using System.Globalization;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>Command line: <c>[--quick] [--json PATH] [--duration SECONDS] [--activations N]</c>.</summary>
internal sealed record BenchOptions(bool Quick, string? JsonPath, TimeSpan Duration, TimeSpan WarmUp, int Repetitions, int Activations, int ActivationConcurrency)
{
    public static BenchOptions? Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchOptions(true, null, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.1), 3, 10_000, 256)
            : new BenchOptions(false, null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(0.5), 3, 100_000, 256);
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
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine("usage: Runtime.Benchmarks [--quick] [--json PATH] [--duration SECONDS] [--activations N]");
                    return null;
            }
        }
        return options;
    }
}
