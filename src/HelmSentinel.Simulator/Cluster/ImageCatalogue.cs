namespace HelmSentinel.Simulator.Cluster;

/// <summary>
/// Maps image references to behaviours: the configured rules in order (first match wins), then the
/// <c>sim.local/&lt;behaviour&gt;[:tag]</c> family, where <c>sim.local/leak-env:&lt;VAR&gt;[.&lt;VAR&gt;…]</c> names the
/// variables the secret-masking canary leaks. An image that matches nothing does not exist (ErrImagePull, then ImagePullBackOff).
/// </summary>
public sealed class ImageCatalogue
{
    /// <summary>The registry host whose repositories name their behaviour: <c>sim.local/crash:1</c>.</summary>
    public const string BehaviourRegistry = "sim.local";

    /// <summary>Creates a catalogue from rules checked in order.</summary>
    public ImageCatalogue(IReadOnlyList<ImageRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
    }

    /// <summary>The rules, first match wins.</summary>
    public IReadOnlyList<ImageRule> Rules { get; }

    /// <summary>The behaviour of an image, or null when no registry has it.</summary>
    public ImageBehaviour? Find(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var normalized = Normalize(image);
        foreach (var rule in Rules)
        {
            if (GlobMatch(rule.Pattern, image) || GlobMatch(rule.Pattern, normalized))
            {
                return rule.Behaviour;
            }
        }

        return FromBehaviourRegistry(image);
    }

    /// <summary>Parses <c>sim.local/&lt;behaviour&gt;[:tag]</c>; null for any other image. For <c>leak-env</c> the tag is the
    /// environment variable to leak, as written (<c>sim.local/leak-env:DB_PASSWORD</c>), or several joined by <c>.</c>
    /// (<c>sim.local/leak-env:DB_PASSWORD.API_TOKEN</c>); without a tag it does not exist.</summary>
    public static ImageBehaviour? FromBehaviourRegistry(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var prefix = BehaviourRegistry + "/";
        if (!image.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = image[prefix.Length..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            rest = rest[..at];
        }

        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var name = colon >= 0 ? rest[..colon] : rest;
        if (!ImageBehaviour.TryParse(name, out var b))
        {
            return null;
        }

        if (b.Kind != BehaviourKind.LeakEnv)
        {
            return b;
        }

        return colon >= 0 && rest[(colon + 1)..] is { Length: > 0 } variable ? b with { Variable = variable } : null;
    }

    /// <summary>Glob match over the whole reference: <c>*</c> any run of characters (also <c>/</c>), <c>?</c> one.</summary>
    public static bool GlobMatch(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        return Glob.Matches(pattern, text);
    }

    /// <summary>
    /// The fully qualified form a kubelet reports: <c>nginx:1.16.0</c> → <c>docker.io/library/nginx:1.16.0</c>,
    /// <c>bitnami/redis</c> → <c>docker.io/bitnami/redis:latest</c>.
    /// </summary>
    public static string Normalize(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? string.Empty : image[..slash];
        var hasRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var full = hasRegistry ? image : slash < 0 ? "docker.io/library/" + image : "docker.io/" + image;
        var lastSlash = full.LastIndexOf('/');
        var tail = full[(lastSlash + 1)..];
        return tail.Contains(':', StringComparison.Ordinal) || tail.Contains('@', StringComparison.Ordinal) ? full : full + ":latest";
    }
}
