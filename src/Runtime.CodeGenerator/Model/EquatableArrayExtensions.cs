using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>Conversions into <see cref="EquatableArray{T}"/>.</summary>
    internal static class EquatableArrayExtensions
    {
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
            where T : IEquatable<T>
            => new EquatableArray<T>(items.ToImmutableArray());
    }
}
