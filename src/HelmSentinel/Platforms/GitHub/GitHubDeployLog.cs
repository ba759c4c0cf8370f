using System.Text;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// The engine's live log in a GitHub Actions step: groups as <c>::group::</c> sections (GitHub does not nest
/// them, so an inner group is a plain heading), warnings and errors as annotations. A line of helm's output that would
/// read as a workflow command (<c>::…</c> or <c>##[…]</c>, e.g. from a chart's NOTES) is defused with a zero-width space.
/// </summary>
public sealed class GitHubDeployLog(TextWriter writer) : IDeployLog
{
    private readonly TextWriter _writer = writer;
    private int _depth;

    /// <inheritdoc />
    public void Info(string message)
    {
        foreach (var line in Lines(message))
        {
            _writer.WriteLine(Defuse(line));
        }
    }

    /// <inheritdoc />
    public void Warning(string message) => _writer.WriteLine(WorkflowCommands.Warning(message ?? string.Empty));

    /// <inheritdoc />
    public void Error(string message) => _writer.WriteLine(WorkflowCommands.Error(message ?? string.Empty));

    /// <inheritdoc />
    public IDisposable Group(string title)
    {
        if (_depth++ > 0)
        {
            _writer.WriteLine("== " + Defuse(title));
            return new Scope(this, closes: false);
        }

        _writer.WriteLine(WorkflowCommands.Group(title));
        return new Scope(this, closes: true);
    }

    /// <summary>
    /// The text with a zero-width space wherever the runner would read a workflow command: after the first colon of a
    /// line that starts with <c>::</c>, and between the two <c>#</c> of every <c>##[</c> (the runner still reads the
    /// legacy <c>##[name]data</c> form anywhere in a line). Every line of the text is defused, a lone <c>\r</c> ending one
    /// as for the runner.
    /// </summary>
    /// <remarks>
    /// The runner matches <c>::</c> and <c>##[</c> culture-sensitively, and ICU skips the zero-width space; but it then
    /// cuts the command name at fixed offsets, so the name starts with the <c>:</c> or <c>[</c> after the space and is
    /// no command it knows.
    /// </remarks>
    public static string Defuse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var defused = new StringBuilder(line.Length);
        var start = 0;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i == line.Length || line[i] is '\r' or '\n')
            {
                var one = line[start..i].Replace("##[", "#\u200B#[", StringComparison.Ordinal);
                var trimmed = one.TrimStart();
                defused.Append(trimmed.StartsWith("::", StringComparison.Ordinal)
                    ? string.Concat(one.AsSpan(0, one.Length - trimmed.Length), ":\u200B", trimmed.AsSpan(1))
                    : one);
                if (i < line.Length)
                {
                    defused.Append(line[i]);
                }

                start = i + 1;
            }
        }

        return defused.ToString();
    }

    // The lines as the runner reads them: "\r\n", "\r" and "\n" each end one.
    private static string[] Lines(string? text) => (text ?? string.Empty).Split(["\r\n", "\r", "\n"], StringSplitOptions.None);

    private sealed class Scope(GitHubDeployLog log, bool closes) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            log._depth--;
            if (closes)
            {
                log._writer.WriteLine(WorkflowCommands.EndGroup());
            }
        }
    }
}
