using System.Text;
using System.Text.Json;
using HelmSentinel.Kubernetes;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Reporting;
using HelmSentinel.Tests.Reporting;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests;

/// <summary>
/// The check the end-to-end canary tests rely on: it finds a secret in every form a channel can carry it in, says which
/// form leaked where, passes what the masker masked, and catches a report written past the masker.
/// </summary>
public sealed class SecretCanaryTests
{
    private const string Password = "p@ss`w*rd_[x]|<y>&\"z\"%41 $HOME;\\";
    private const string Token = "tok'en+/=#~<b>**x**</b>&amp;%0A{{.}}";
    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\nggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm==\n-----END PRIVATE KEY-----\n";

    private static readonly SecretCanary Canary = new([Password, Token, Pem]);

    public static TheoryData<string, string> Written() => new()
    {
        { "raw", "password: " + Password },
        { "base64", "data: " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Token)) },
        { "URL-encoded", "https://x.example/?q=" + Uri.EscapeDataString(Password) },
        { "JSON-escaped", JsonSerializer.Serialize(new { body = Password }) },
        { "JSON-escaped (minimal)", "{\"body\":\"p@ss`w*rd_[x]|<y>&\\\"z\\\"%41 $HOME;\\\\\"}" },
        { "JSON-escaped (Go)", "{\"message\":\"p@ss`w*rd_[x]|\\u003cy\\u003e\\u0026\\\"z\\\"%41 $HOME;\\\\\"}" },
        { "Markdown-escaped", "| " + Markdown.EscapeCell(Password) + " |" },
        { "GitHub command-escaped", WorkflowCommands.Error(Password) },
        { "Azure command-escaped", AzureCommands.Error(Password) },
        { "shell-quoted", "$ helm upgrade --set 'auth.bearer=" + Token.Replace("'", "'\\''", StringComparison.Ordinal) + "'" },
        { "line 2, raw", "log: MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w" },
        { "line 3, base64", Convert.ToBase64String(Encoding.UTF8.GetBytes("ggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm==")) },
        { "trimmed, base64", Convert.ToBase64String(Encoding.UTF8.GetBytes(Pem.TrimEnd('\n'))) },
        { "fragment", "the first 30: " + Password[..20] + "…" },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public void Find_NamesTheFormThatLeaked(string form, string text)
    {
        var leaks = Canary.Find("summary", text);

        leaks.Should().NotBeEmpty().And.Contain(l => l.Form == form, string.Join("\n", leaks));
        leaks.Should().OnlyContain(l => l.Channel == "summary");
    }

    [Fact]
    public void Find_SaysWhereAndWhich()
    {
        var leak = Canary.Find("$GITHUB_OUTPUT", "failure-reason<<EOF\nrefusing " + Token + "\nEOF").Should().ContainSingle().Subject;

        leak.ToString().Should().Be("$GITHUB_OUTPUT: secret #2 (tok'…) leaked raw at offset 29: «eason<<EOF\\nrefusing tok'en+/=#~<b>**x**</b>&amp;%0A{{.}}\\nEOF»");
    }

    [Fact]
    public void Find_LeavesPemArmourBlankAndShortLinesAlone()
    {
        Canary.Find("log", "-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----\nab").Should().BeEmpty();
    }

    [Fact]
    public void WhatTheMaskerMasked_PassesTheCheck_InEveryFormatter()
    {
        var masker = new SecretMasker(Canary.Secrets);
        string[] written =
        [
            Password, Token, Pem, Convert.ToBase64String(Encoding.UTF8.GetBytes(Pem)), JsonSerializer.Serialize(new { Password, Token, Pem }),
            Markdown.EscapeCell(Pem), Markdown.Bullet(Token), WorkflowCommands.Error(Pem, Token), AzureCommands.Error(Pem), Uri.EscapeDataString(Token),
        ];

        Canary.Find(written.Select((w, i) => ($"text {i}", (string?)masker.Mask(w)))).Should().BeEmpty();
    }

    [Fact]
    public void AReportWrittenPastTheMasker_IsCaught_AndTheMaskedOneIsNot()
    {
        // Deliberately unmasked: the diagnosis as it would read if the rollout watcher's mask were forgotten.
        var outcome = Outcomes.RolledBack with
        {
            FailureReason = "pod web-1 (Deployment web): CrashLoopBackOff",
            Diagnosis = new RolloutDiagnosis("pod web-1 (Deployment web): CrashLoopBackOff", [
                new PodDiagnosis("web-1", "Deployment/web", "web", "CrashLoopBackOff", "refusing to start with DB_PASSWORD=" + Password, 1, 3,
                    ["DB_PASSWORD=" + Password, .. Pem.TrimEnd('\n').Split('\n')], ["Failed: Error: container web exited: " + Token])],
                [], DateTimeOffset.UnixEpoch, Fatal: true),
        };

        var leaks = Canary.Find([("summary", MarkdownReport.Render(outcome, SecretMasker.None)), ("log", TextReport.Render(outcome, SecretMasker.None))]);

        leaks.Should().Contain(l => l.Channel == "summary" && l.Form == "Markdown-escaped", "the message cell escapes it");
        leaks.Should().Contain(l => l.Channel == "summary" && l.Secret.StartsWith("secret #3", StringComparison.Ordinal), "the log lines are fenced as they are");
        leaks.Should().Contain(l => l.Channel == "log" && l.Form == "raw");
        var masker = new SecretMasker(Canary.Secrets);
        Canary.Find([("summary", MarkdownReport.Render(outcome, masker)), ("log", TextReport.Render(outcome, masker))]).Should().BeEmpty();
    }
}
