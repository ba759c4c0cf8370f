using System.Security.Cryptography;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// Entries of the runner's file commands (<c>$GITHUB_OUTPUT</c>, <c>$GITHUB_ENV</c>), formatted as strings. Pure.
/// Every value uses the heredoc form with a random delimiter, so multi-line values and values holding <c>=</c>
/// survive; a delimiter that occurs in the value is refused.
/// </summary>
public static class FileCommands
{
    /// <summary>A fresh random heredoc delimiter.</summary>
    public static string NewDelimiter() => "ghadelimiter_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// <c>name&lt;&lt;DELIM\nvalue\nDELIM\n</c>. Throws when the name is empty, holds a line break, <c>=</c> or
    /// <c>&lt;&lt;</c>, or ends with <c>&lt;</c> (the runner splits the first line at the first <c>=</c> or <c>&lt;&lt;</c>,
    /// so the value's lines would be read as entries of their own, or the delimiter never found), when the delimiter holds a line break, or when the delimiter occurs in the name or the value
    /// (the runner would end the value there).
    /// </summary>
    public static string Entry(string name, string? value, string delimiter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(delimiter);
        value ??= string.Empty;
        if (name.Contains('\n', StringComparison.Ordinal) || name.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException($"An output name cannot span lines: '{name}'.", nameof(name));
        }

        if (name.Contains('=', StringComparison.Ordinal) || name.Contains("<<", StringComparison.Ordinal) || name.EndsWith('<'))
        {
            throw new ArgumentException($"An output name cannot hold '=' or '<<', nor end with '<': '{name}'.", nameof(name));
        }

        if (delimiter.Contains('\n', StringComparison.Ordinal) || delimiter.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("A heredoc delimiter cannot span lines.", nameof(delimiter));
        }

        if (name.Contains(delimiter, StringComparison.Ordinal) || value.Contains(delimiter, StringComparison.Ordinal))
        {
            throw new ArgumentException("The heredoc delimiter occurs in the output; pick another delimiter.", nameof(delimiter));
        }

        return $"{name}<<{delimiter}\n{value}\n{delimiter}\n";
    }

    /// <summary>All entries of <paramref name="values"/>, in order, each with a new random delimiter.</summary>
    public static string Entries(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return string.Concat(values.Select(v => Entry(v.Key, v.Value, NewDelimiter())));
    }
}
