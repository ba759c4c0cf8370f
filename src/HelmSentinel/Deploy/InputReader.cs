using System.Globalization;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// Reads named inputs (kebab-case, each with its values) one by one, the same way for every command: a single value
/// given twice, a malformed boolean, duration, number or choice each add an <see cref="InputError"/> naming the input,
/// and the reading goes on with the fallback so that every problem is reported at once. Pure.
/// </summary>
/// <param name="inputs">The inputs by name.</param>
/// <param name="errors">Where the problems go.</param>
public sealed class InputReader(IReadOnlyDictionary<string, IReadOnlyList<string>> inputs, List<InputError> errors)
{
    /// <summary>The problems found so far.</summary>
    public List<InputError> Errors => errors;

    /// <summary>The input's one value, trimmed; null when it is not given or empty.</summary>
    /// <param name="name">The input.</param>
    public string? Single(string name)
    {
        if (!inputs.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        var nonEmpty = values.Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        if (nonEmpty.Count > 1)
        {
            errors.Add(new InputError(name, $"given {nonEmpty.Count} times; give it once."));
        }

        return nonEmpty.Count == 0 ? null : nonEmpty[^1].Trim();
    }

    /// <summary>The input's values and the lines of each, trimmed, without empty ones.</summary>
    /// <param name="name">The input.</param>
    public IReadOnlyList<string> Lines(string name) =>
        inputs.TryGetValue(name, out var values)
            ? values.SelectMany(v => v.Split('\n')).Select(v => v.Trim()).Where(v => v.Length > 0).ToList()
            : [];

    /// <summary>A boolean input (true/yes/1/on, false/no/0/off).</summary>
    /// <param name="name">The input.</param>
    /// <param name="fallback">The value when it is not given or malformed.</param>
    public bool Bool(string name, bool fallback)
    {
        var text = Single(name);
        if (text is null)
        {
            return fallback;
        }

        if (DeployInputs.Boolean(text) is { } value)
        {
            return value;
        }

        errors.Add(new InputError(name, $"'{text}' is not a boolean; expected true or false."));
        return fallback;
    }

    /// <summary>A duration input (a Go duration such as 5m, or hh:mm:ss); null when not given or malformed.</summary>
    /// <param name="name">The input.</param>
    /// <param name="allowZero">Whether <c>0</c> is allowed.</param>
    public TimeSpan? Duration(string name, bool allowZero = false)
    {
        var text = Single(name);
        if (text is null)
        {
            return null;
        }

        if (allowZero && text is "0" or "0s")
        {
            return TimeSpan.Zero;
        }

        if (GoDuration.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add(new InputError(name, $"'{text}' is not a positive duration; expected a Go duration such as 5m, 90s or 1h30m, or hh:mm:ss."));
        return null;
    }

    /// <summary>A whole-number input; null when not given or malformed.</summary>
    /// <param name="name">The input.</param>
    public int? Integer(string name)
    {
        var text = Single(name);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(new InputError(name, $"'{text}' is not a whole number."));
        return null;
    }

    /// <summary>An input that names one of a few choices.</summary>
    /// <typeparam name="T">What the choices stand for.</typeparam>
    /// <param name="name">The input.</param>
    /// <param name="choices">The words and what each stands for.</param>
    /// <param name="fallback">The value when it is not given or not one of them.</param>
    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices, T fallback)
    {
        var text = Single(name);
        if (text is null)
        {
            return fallback;
        }

        if (choices.TryGetValue(text, out var value))
        {
            return value;
        }

        errors.Add(new InputError(name, $"'{text}' is not one of {string.Join(", ", choices.Keys)}."));
        return fallback;
    }
}
