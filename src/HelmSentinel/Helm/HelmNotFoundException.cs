namespace HelmSentinel.Helm;

/// <summary>The helm binary could not be started (missing, not executable) or does not answer <c>helm version</c>.</summary>
public sealed class HelmNotFoundException : Exception
{
    /// <summary>What to do about it, the same on every platform.</summary>
    internal const string WhatToDo =
        "Install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or give the path of the helm binary: " +
        "--helm for the CLI, the helm input of the GitHub action, helmPath of the Azure task.";

    /// <param name="helmPath">The path or name that was tried.</param>
    /// <param name="inner">Why it could not be run.</param>
    public HelmNotFoundException(string helmPath, Exception inner)
        : this(helmPath, $"'{helmPath}' failed: {inner?.Message.TrimEnd('.')}", inner)
    {
    }

    /// <param name="helmPath">The path or name that was tried.</param>
    /// <param name="problem">What is wrong with it, in one clause: which file was tried, and whether PATH was searched.</param>
    /// <param name="inner">The error of the start, if any.</param>
    internal HelmNotFoundException(string helmPath, string problem, Exception? inner)
        : base($"Cannot run helm: {problem}. {WhatToDo}", inner)
    {
        HelmPath = helmPath;
    }

    /// <summary>The path or name that was tried.</summary>
    public string HelmPath { get; } = "";
}
