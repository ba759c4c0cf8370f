namespace HelmSentinel.Verify;

/// <summary>The JSON path subset an <see cref="HttpCheck"/> takes: <c>$</c>, then <c>.name</c>, <c>['name']</c>,
/// <c>["name"]</c> or <c>[index]</c> steps. No wildcards or filters: the path selects one value.</summary>
internal static class JsonPathSyntax
{
    /// <summary>The value <paramref name="steps"/> lead to from <paramref name="root"/>, or null when a step finds
    /// nothing (a missing name, an index past the end, a step into a value of the wrong kind). Names match ordinally.</summary>
    public static System.Text.Json.JsonElement? Select(System.Text.Json.JsonElement root, IReadOnlyList<object> steps)
    {
        var at = root;
        foreach (var step in steps)
        {
            switch (step)
            {
                case string name when at.ValueKind == System.Text.Json.JsonValueKind.Object && at.TryGetProperty(name, out var property):
                    at = property;
                    break;
                case int index when at.ValueKind == System.Text.Json.JsonValueKind.Array && index < at.GetArrayLength():
                    at = at[index];
                    break;
                default:
                    return null;
            }
        }

        return at;
    }

    /// <summary>The steps of <paramref name="path"/> (a name, or an index as a number), or null when it is not in the subset.</summary>
    public static IReadOnlyList<object>? Steps(string path)
    {
        if (!path.StartsWith('$'))
        {
            return null;
        }

        var steps = new List<object>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var start = ++i;
                while (i < path.Length && (char.IsAsciiLetterOrDigit(path[i]) || path[i] is '_' or '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    return null;
                }

                steps.Add(path[start..i]);
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] is '\'' or '"')
            {
                var quote = path[i + 1];
                var close = path.IndexOf(quote, i + 2);
                if (close < 0 || close + 1 >= path.Length || path[close + 1] != ']' || close == i + 2)
                {
                    return null;
                }

                steps.Add(path[(i + 2)..close]);
                i = close + 2;
            }
            else if (path[i] == '[')
            {
                var start = ++i;
                while (i < path.Length && char.IsAsciiDigit(path[i]))
                {
                    i++;
                }

                if (i == start || i - start > 9 || i >= path.Length || path[i] != ']')
                {
                    return null;
                }

                steps.Add(int.Parse(path.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture));
                i++;
            }
            else
            {
                return null;
            }
        }

        return steps;
    }
}
