using System.CommandLine;

namespace HelmSentinel.Cli.Parsing;

/// <summary>A parsed command line.</summary>
/// <param name="Result">System.CommandLine's result for the words before the first bare <c>--</c>.</param>
/// <param name="HelmFlags">The words after it, for helm, as given.</param>
internal sealed record CliLine(ParseResult Result, IReadOnlyList<string> HelmFlags);
