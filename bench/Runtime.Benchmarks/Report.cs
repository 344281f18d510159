using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Im.Orleans.Runtime.Benchmarks;

internal sealed record ThroughputResult(string Scenario, int Grains, int Callers, Measured Runtime, Measured Direct, Measured Channel)
{
    public double RatioToDirect => Runtime.Median.PerSecond / Direct.Median.PerSecond;
    public double RatioToChannel => Runtime.Median.PerSecond / Channel.Median.PerSecond;
}

internal sealed record ActivationResult(int Count, int Concurrency, Measured Rate, double HeapBytesPerActivation, double GrainInstanceBytes, double DeactivationsPerSecond)
{
    public double OverheadBytes => HeapBytesPerActivation - GrainInstanceBytes;
}

/// <summary>Prints the human table and the one-line JSON (last line of output, and to --json PATH when given).</summary>
internal sealed class Report(BenchOptions options)
{
    public const double CallsTarget = 200_000;
    public const double OverheadTarget = 4096;

    private readonly List<ThroughputResult> _throughput = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly string _loadAtStart = LoadAverage();
    private ActivationResult? _activations;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public void AddThroughput(ThroughputResult result)
    {
        _throughput.Add(result);
        Console.WriteLine(string.Create(Inv, $"  measured {result.Scenario}, callers={result.Callers}: runtime {result.Runtime.Median.PerSecond:N0} calls/s"));
    }

    public void SetActivations(ActivationResult result) => _activations = result;

    private static string Machine => string.Create(Inv,
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");

    public void PrintHeader()
    {
        Console.WriteLine($"Im.Orleans runtime benchmark, {_started:yyyy-MM-dd HH:mm} UTC, {Machine}");
        Console.WriteLine($"load average at start: {_loadAtStart} (other work on this machine skews absolute figures; compare ratios)");
        Console.WriteLine(string.Create(Inv, $"each figure: median of {options.Repetitions} runs of {options.Duration.TotalSeconds:0.##} s after {options.WarmUp.TotalSeconds:0.##} s warm-up{(options.Quick ? " (--quick)" : "")}"));
    }

    private double BestCalls => _throughput.Max(t => t.Runtime.Median.PerSecond);

    public void PrintTable()
    {
        var a = _activations!;
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("Local grain calls (calls/s; B/call = bytes allocated per call, all threads; tp/call = thread-pool work items per call)");
        sb.AppendLine("scenario       grains callers |    runtime  min..max          B/call tp/call |      direct |    channel  B/call | rt/direct rt/channel");
        foreach (var t in _throughput)
        {
            var r = t.Runtime;
            sb.AppendLine(string.Create(Inv,
                $"{t.Scenario,-14} {t.Grains,6} {t.Callers,7} | {r.Median.PerSecond,10:N0}  {Short(r.MinPerSecond),6}..{Short(r.MaxPerSecond),-6} {r.Median.BytesPerOp,8:N0} {r.Median.WorkItemsPerOp,7:0.00} | {t.Direct.Median.PerSecond,11:N0} | {t.Channel.Median.PerSecond,10:N0} {t.Channel.Median.BytesPerOp,7:N0} | {t.RatioToDirect,8:P2} {t.RatioToChannel,8:0.00}x"));
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Activations: {a.Count:N0} new EmptyGrain keys, {a.Concurrency} outstanding calls, fresh silo per run"));
        sb.AppendLine(string.Create(Inv, $"  activations/s                          {a.Rate.Median.PerSecond,10:N0}  ({Short(a.Rate.MinPerSecond)}..{Short(a.Rate.MaxPerSecond)}), {a.Rate.Median.BytesPerOp:N0} B allocated and {a.Rate.Median.WorkItemsPerOp:0.00} work items per activation"));
        sb.AppendLine(string.Create(Inv, $"  deactivations/s (silo stop)            {a.DeactivationsPerSecond,10:N0}"));
        sb.AppendLine(string.Create(Inv, $"  heap per idle activation               {a.HeapBytesPerActivation,10:N0} B  (settled heap delta / {a.Count:N0}; keys excluded)"));
        sb.AppendLine(string.Create(Inv, $"  grain instance (plain object, 1 field) {a.GrainInstanceBytes,10:N0} B"));
        sb.AppendLine(string.Create(Inv, $"  runtime overhead per idle activation   {a.OverheadBytes,10:N0} B  target < {OverheadTarget:N0} B: {Verdict(a.OverheadBytes < OverheadTarget)}"));
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Target >= {CallsTarget:N0} local calls/s per silo: best runtime figure {BestCalls:N0} calls/s: {Verdict(BestCalls >= CallsTarget)}"));
        Console.Write(sb.ToString());
    }

    public void PrintJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            var a = _activations!;
            w.WriteStartObject();
            w.WriteString("date", _started);
            w.WriteString("machine", Machine);
            w.WriteNumber("cores", Environment.ProcessorCount);
            w.WriteString("loadAverageAtStart", _loadAtStart);
            w.WriteString("loadAverageAtEnd", LoadAverage());
            w.WriteBoolean("quick", options.Quick);
            w.WriteNumber("durationSeconds", options.Duration.TotalSeconds);
            w.WriteNumber("repetitions", options.Repetitions);
            w.WriteStartArray("calls");
            foreach (var t in _throughput)
            {
                w.WriteStartObject();
                w.WriteString("scenario", t.Scenario);
                w.WriteNumber("grains", t.Grains);
                w.WriteNumber("callers", t.Callers);
                Write(w, "runtime", t.Runtime);
                Write(w, "direct", t.Direct);
                Write(w, "channel", t.Channel);
                w.WriteNumber("ratioToDirect", Math.Round(t.RatioToDirect, 5));
                w.WriteNumber("ratioToChannel", Math.Round(t.RatioToChannel, 3));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("activations");
            w.WriteNumber("count", a.Count);
            w.WriteNumber("concurrency", a.Concurrency);
            Write(w, "rate", a.Rate);
            w.WriteNumber("deactivationsPerSecond", Math.Round(a.DeactivationsPerSecond));
            w.WriteNumber("heapBytesPerActivation", Math.Round(a.HeapBytesPerActivation, 1));
            w.WriteNumber("grainInstanceBytes", Math.Round(a.GrainInstanceBytes, 1));
            w.WriteNumber("runtimeOverheadBytes", Math.Round(a.OverheadBytes, 1));
            w.WriteEndObject();
            w.WriteStartObject("targets");
            w.WriteNumber("bestCallsPerSecond", Math.Round(BestCalls));
            w.WriteBoolean("callsMet", BestCalls >= CallsTarget);
            w.WriteBoolean("overheadMet", a.OverheadBytes < OverheadTarget);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        var json = Encoding.UTF8.GetString(stream.ToArray());
        if (options.JsonPath is { } path) File.WriteAllText(path, json + Environment.NewLine);
        Console.WriteLine(json);
    }

    private static void Write(Utf8JsonWriter w, string name, Measured m)
    {
        w.WriteStartObject(name);
        w.WriteNumber("perSecond", Math.Round(m.Median.PerSecond));
        w.WriteNumber("min", Math.Round(m.MinPerSecond));
        w.WriteNumber("max", Math.Round(m.MaxPerSecond));
        w.WriteNumber("bytesPerOp", Math.Round(m.Median.BytesPerOp, 1));
        w.WriteNumber("workItemsPerOp", Math.Round(m.Median.WorkItemsPerOp, 3));
        w.WriteNumber("lockContentionsPerOp", Math.Round(m.Median.ContentionsPerOp, 4));
        w.WriteNumber("gen0", m.Median.Gen0);
        w.WriteNumber("gen2", m.Median.Gen2);
        w.WriteEndObject();
    }

    /// <summary>1, 5 and 15 minute load averages on Linux; how busy the shared machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Verdict(bool met) => met ? "MET" : "NOT MET";

    private static string Short(double value) => value switch
    {
        >= 10_000_000 => string.Create(Inv, $"{value / 1_000_000:0}M"),
        >= 1_000_000 => string.Create(Inv, $"{value / 1_000_000:0.0}M"),
        >= 10_000 => string.Create(Inv, $"{value / 1_000:0}k"),
        _ => string.Create(Inv, $"{value:0}"),
    };
}
