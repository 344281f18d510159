using System;
using System.Globalization;
using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Reads the Im.Orleans.Concurrency attributes on a grain method.</summary>
    internal readonly struct MethodAttributes
    {
        public int Options { get; }

        /// <summary>The [ResponseTimeout] argument as written, or null when the method has none.</summary>
        public string? TimeoutText { get; }

        private MethodAttributes(int options, string? timeoutText)
        {
            Options = options;
            TimeoutText = timeoutText;
        }

        public static MethodAttributes Read(IMethodSymbol method)
        {
            var options = 0;
            string? timeout = null;
            foreach (var attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass is not { } type || !KnownTypes.IsInNamespace(type, KnownTypes.ConcurrencyNamespace)) continue;
                switch (type.Name)
                {
                    case "OneWayAttribute":
                        options |= OptionFlags.OneWay;
                        break;
                    case "ReadOnlyAttribute":
                        options |= OptionFlags.ReadOnly;
                        break;
                    case "AlwaysInterleaveAttribute":
                        options |= OptionFlags.AlwaysInterleave;
                        break;
                    case "ResponseTimeoutAttribute":
                        timeout = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
                        break;
                }
            }

            return new MethodAttributes(options, timeout);
        }

        /// <summary>Parses like the runtime's ResponseTimeoutAttribute does; null when invalid or not positive.</summary>
        public static long? ParseTimeoutTicks(string text)
        {
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero) return null;
            return value.Ticks;
        }
    }
}
