using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Support;

/// <summary>
/// A helm stand-in for the process seam: answers each helm command (the first argument) from a
/// script, in order, and records every invocation. An unscripted command fails the test loudly.
/// </summary>
internal sealed class ScriptedHelmProcess : IHelmProcess
{
    private readonly Dictionary<string, Queue<Func<HelmProcessResult>>> _script = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<HelmProcessResult>> _always = new(StringComparer.Ordinal);

    public List<IReadOnlyList<string>> Invocations { get; } = [];

    public IEnumerable<string> Commands => Invocations.Select(i => i[0]);

    public static HelmProcessResult Ok(string stdout = "") => new(0, stdout, "", TimeSpan.FromMilliseconds(5));

    public static HelmProcessResult Fail(string stderr) => new(1, "", stderr, TimeSpan.FromMilliseconds(5));

    /// <summary>Answers the next call of <paramref name="command"/> with <paramref name="result"/>.</summary>
    public ScriptedHelmProcess Then(string command, HelmProcessResult result)
    {
        if (!_script.TryGetValue(command, out var queue))
        {
            _script[command] = queue = new Queue<Func<HelmProcessResult>>();
        }

        queue.Enqueue(() => result);
        return this;
    }

    /// <summary>Answers every call of <paramref name="command"/> not otherwise scripted.</summary>
    public ScriptedHelmProcess Always(string command, HelmProcessResult result)
    {
        _always[command] = () => result;
        return this;
    }

    /// <summary>A helm 3 or 4 that reports its version.</summary>
    public ScriptedHelmProcess WithVersion(int major) =>
        Always("version", Ok(major == 3 ? "v3.17.2+gcc0bbbd\n" : "v4.1.4+g05fa379\n"));

    public Task<HelmProcessResult> RunAsync(HelmInvocation invocation, CancellationToken cancellationToken = default)
    {
        Invocations.Add(invocation.Arguments);
        var command = invocation.Arguments[0];
        if (_script.TryGetValue(command, out var queue) && queue.Count > 0)
        {
            return Task.FromResult(queue.Dequeue()());
        }

        if (_always.TryGetValue(command, out var answer))
        {
            return Task.FromResult(answer());
        }

        throw new InvalidOperationException($"unscripted helm call: helm {string.Join(' ', invocation.Arguments)}");
    }
}
