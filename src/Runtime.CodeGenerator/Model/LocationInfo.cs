using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>A source location as plain values: a <see cref="Location"/> would pin the whole compilation in the cache.</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location)
        {
            if (location is null || !location.IsInSource || location.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }

        /// <summary>The first source location of <paramref name="symbol"/>, else <paramref name="fallback"/>.</summary>
        public static LocationInfo? From(ISymbol symbol, LocationInfo? fallback)
            => From(symbol.Locations.FirstOrDefault(static l => l.IsInSource)) ?? fallback;
    }
}
