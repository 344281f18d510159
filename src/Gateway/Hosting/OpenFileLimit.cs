using System.Globalization;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>The process's open-file limit (the soft RLIMIT_NOFILE), which every socket, file and pipe counts against.</summary>
internal static class OpenFileLimit
{
    private const string LimitsFile = "/proc/self/limits";
    private const string Row = "Max open files";

    /// <summary>
    /// The soft limit in force now (the .NET runtime raises it to the hard limit at start-up, so this is read after that),
    /// or null where it cannot be read (not Linux) or is unlimited.
    /// </summary>
    public static long? Read()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return Parse(File.ReadAllText(LimitsFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The soft value of the "Max open files" row of a /proc/PID/limits text: "Max open files  20000  20000  files".</summary>
    public static long? Parse(string limits)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith(Row, StringComparison.Ordinal)) continue;
            var values = line[Row.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return values.Length > 0 && long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) && soft > 0 ? soft : null;
        }
        return null;
    }
}
