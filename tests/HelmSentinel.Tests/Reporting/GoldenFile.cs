using System.Runtime.CompilerServices;

namespace HelmSentinel.Tests.Reporting;

/// <summary>
/// Compares rendered text with a reviewed file in TestData. Run the tests with UPDATE_GOLDEN=1 to (re)write
/// the files in the source tree, then review the diff line by line before committing it.
/// </summary>
internal static class GoldenFile
{
    public static void Verify(string actual, string fileName, [CallerFilePath] string callerPath = "")
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var source = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "TestData", fileName));
            File.WriteAllText(source, actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "TestData", fileName);
        File.Exists(path).Should().BeTrue($"the golden file {fileName} must exist (create it with UPDATE_GOLDEN=1, then review it)");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        actual.Should().Be(expected, $"the output must match TestData/{fileName} exactly");
    }
}
