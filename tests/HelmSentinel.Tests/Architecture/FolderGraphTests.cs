using HelmSentinel.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit.Abstractions;

namespace HelmSentinel.Tests.Architecture;

/// <summary>
/// The core's folders, read from the code itself: every name in <c>src/HelmSentinel</c> is bound with Roslyn and
/// the folder of what it names is an edge. The graph must have no cycle, so that each folder can be read (and
/// changed) knowing only the folders below it.
/// </summary>
public sealed class FolderGraphTests(ITestOutputHelper output)
{
    private static readonly Lazy<FolderGraph> Graph = new(FolderGraph.Read);

    [Fact]
    public void TheCoresFolders_FormAnAcyclicGraph()
    {
        var graph = Graph.Value;
        output.WriteLine(graph.Describe());

        graph.Cycle().Should().BeEmpty("no folder may use one that (directly or through others) uses it back:\n" + graph.Describe());
    }

    [Fact]
    public void TheRootAndText_UseNoOtherFolder()
    {
        var graph = Graph.Value;

        graph.EdgesFrom(FolderGraph.Root).Should().BeEmpty();
        graph.EdgesFrom("Text").Should().BeEmpty();
    }

    [Fact]
    public void Resilience_KnowsNoDomainType()
    {
        Graph.Value.EdgesFrom("Resilience").Should().BeSubsetOf([FolderGraph.Root, "Text"]);
    }

    [Fact]
    public void Verify_IsPure_AndKnowsNoDomainType()
    {
        // The verify document and its conditions are parsed and judged without helm, a cluster or a platform.
        Graph.Value.EdgesFrom("Verify").Should().BeSubsetOf([FolderGraph.Root, "Text"]);
    }

    [Fact]
    public void Migrations_IsALeaf_AndKnowsNeitherTheDeployNorTheReports()
    {
        // The lint reads SQL and git; deploy, plan and the reports use it, never the other way round.
        Graph.Value.EdgesFrom("Migrations").Should().BeSubsetOf([FolderGraph.Root, "Text"]);
    }

    [Fact]
    public void Reporting_ReadsTheOutcome_AndNeverRunsAnything()
    {
        Graph.Value.EdgesFrom("Reporting").Should().NotContain(["Platforms", "Resilience"]);
    }

    [Fact]
    public void EveryFile_DeclaresTheNamespaceOfItsFolder()
    {
        Graph.Value.Misplaced.Should().BeEmpty();
    }

    [Fact]
    public void TheReader_SeesAUsingAndAQualifiedName()
    {
        // The check is only as good as the binding: a cycle planted in a copy of two files must be found.
        var graph = FolderGraph.Read(
            ("Deploy/A.cs", "namespace HelmSentinel.Deploy; public static class A { public static int X => HelmSentinel.Helm.B.Y; }"),
            ("Helm/B.cs", "using HelmSentinel.Deploy; namespace HelmSentinel.Helm; public static class B { public static int Y => 1; public static int Z => A.X; }"));

        graph.Cycle().Should().Equal("Deploy", "Helm", "Deploy");
    }

    private sealed class FolderGraph
    {
        public const string Root = "(root)";

        private readonly SortedDictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);

        public List<string> Misplaced { get; } = [];

        public static FolderGraph Read()
        {
            var source = Path.Combine(Tools.RepoRoot, "src", "HelmSentinel");
            var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(f => (Path.GetRelativePath(source, f).Replace('\\', '/'), File.ReadAllText(f)));
            return Read([.. files]);
        }

        public static FolderGraph Read(params (string Path, string Text)[] files)
        {
            var graph = new FolderGraph();
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, path: f.Path)).ToList();
            trees.Add(CSharpSyntaxTree.ParseText(
                "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
                "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;",
                path: "(implicit usings)"));
            var compilation = CSharpCompilation.Create(
                "FolderGraph", trees, References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            foreach (var tree in trees.Where(t => t.FilePath != "(implicit usings)"))
            {
                var folder = FolderOf(tree.FilePath);
                graph._edges.TryAdd(folder, new SortedSet<string>(StringComparer.Ordinal));
                var root = tree.GetRoot();
                var declared = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Select(n => n.Name.ToString()).FirstOrDefault();
                if (declared != NamespaceOf(tree.FilePath))
                {
                    graph.Misplaced.Add($"{tree.FilePath}: namespace {declared}, expected {NamespaceOf(tree.FilePath)}");
                }

                // A using directive names a namespace; any other name counts by the namespace of the type or member it binds to.
                var model = compilation.GetSemanticModel(tree);
                var used = root.DescendantNodes().OfType<UsingDirectiveSyntax>().Where(u => u.Alias is null && u.Name is not null)
                    .Select(u => u.Name!.ToString())
                    .Concat(root.DescendantNodes().OfType<SimpleNameSyntax>()
                        .Select(name => model.GetSymbolInfo(name) is var info ? info.Symbol ?? info.CandidateSymbols.FirstOrDefault() : null)
                        .Where(symbol => symbol is not null and not INamespaceSymbol)
                        .Select(symbol => symbol!.ContainingNamespace?.ToDisplayString() ?? ""));
                foreach (var target in used.Select(FolderOfNamespace).OfType<string>().Where(t => t != folder))
                {
                    graph._edges[folder].Add(target);
                }
            }

            return graph;
        }

        public IReadOnlyCollection<string> EdgesFrom(string folder) => _edges.TryGetValue(folder, out var to) ? to : [];

        /// <summary>A cycle as the folders along it (first = last), or empty.</summary>
        public IReadOnlyList<string> Cycle()
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            var path = new List<string>();
            List<string>? found = null;

            void Visit(string node)
            {
                state[node] = 1;
                path.Add(node);
                foreach (var next in EdgesFrom(node))
                {
                    if (found is not null)
                    {
                        return;
                    }

                    if (state.GetValueOrDefault(next) == 1)
                    {
                        found = [.. path.Skip(path.IndexOf(next)), next];
                        return;
                    }

                    if (state.GetValueOrDefault(next) == 0)
                    {
                        Visit(next);
                    }
                }

                path.RemoveAt(path.Count - 1);
                state[node] = 2;
            }

            foreach (var node in _edges.Keys.Where(n => state.GetValueOrDefault(n) == 0))
            {
                Visit(node);
                if (found is not null)
                {
                    return found;
                }
            }

            return [];
        }

        public string Describe() =>
            string.Join('\n', _edges.Select(e => $"{e.Key,-12} -> {(e.Value.Count == 0 ? "(nothing)" : string.Join(", ", e.Value))}"));

        // The top-level folder is the node: Platforms/GitHub and Platforms/AzureDevOps are one part of the house.
        private static string FolderOf(string path)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? Root : path[..slash];
        }

        private static string NamespaceOf(string path)
        {
            var folder = Path.GetDirectoryName(path)?.Replace('\\', '/');
            return string.IsNullOrEmpty(folder) ? "HelmSentinel" : "HelmSentinel." + folder.Replace('/', '.');
        }

        private static string? FolderOfNamespace(string ns)
        {
            if (ns == "HelmSentinel")
            {
                return Root;
            }

            if (!ns.StartsWith("HelmSentinel.", StringComparison.Ordinal))
            {
                return null;
            }

            var rest = ns["HelmSentinel.".Length..];
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            return dot < 0 ? rest : rest[..dot];
        }

        private static List<MetadataReference> References()
        {
            var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            var packages = new[] { "CliWrap", "Polly.Core", "YamlDotNet", "KubernetesClient", "Octokit" }
                .Select(name => Path.Combine(AppContext.BaseDirectory, name + ".dll"));
            return [.. platform.Concat(packages).Where(File.Exists).Distinct(StringComparer.Ordinal).Select(p => MetadataReference.CreateFromFile(p))];
        }
    }
}
