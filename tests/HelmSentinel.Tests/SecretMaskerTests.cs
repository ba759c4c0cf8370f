using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests;

public class SecretMaskerTests
{
    [Fact]
    public void Mask_TextHoldingASecret_ReplacesEveryOccurrence()
    {
        var masker = new SecretMasker(["hunter2"]);

        masker.Mask("password=hunter2, again hunter2").Should().Be("password=***, again ***");
    }

    [Fact]
    public void Mask_ThreeCharacterSecret_IsMasked()
    {
        new SecretMasker(["abc"]).Mask("x-abc-y").Should().Be("x-***-y");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("ab")]
    [InlineData(null)]
    public void Mask_EmptyOrTooShortSecret_IsIgnored(string? secret)
    {
        var masker = new SecretMasker([secret]);

        masker.HasSecrets.Should().BeFalse();
        masker.Mask("a b ab abc").Should().Be("a b ab abc");
    }

    [Fact]
    public void Mask_Base64FormOfASecret_IsMasked()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("hunter2"));

        new SecretMasker(["hunter2"]).Mask("data: {password: " + encoded + "}").Should().Be("data: {password: ***}");
    }

    [Fact]
    public void Mask_MultiLineSecret_MasksItWholeAndLineByLine()
    {
        const string pem = "-----BEGIN KEY-----\r\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END KEY-----";
        var masker = new SecretMasker([pem]);

        masker.Mask("key:\n" + pem).Should().Be("key:\n***");
        masker.Mask("error near line KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ== of the key").Should().Be("error near line *** of the key");
    }

    [Fact]
    public void Mask_SecretContainingAnother_MasksTheLongerWhole()
    {
        var masker = new SecretMasker(["pass", "password123"]);

        masker.Mask("password123 and pass").Should().Be("*** and ***");
    }

    [Fact]
    public void Mask_NullText_GivesEmptyString()
    {
        new SecretMasker(["hunter2"]).Mask(null).Should().BeEmpty();
    }

    [Fact]
    public void None_ChangesNothing()
    {
        SecretMasker.None.Mask("hunter2").Should().Be("hunter2");
        SecretMasker.None.HasSecrets.Should().BeFalse();
    }

    [Fact]
    public void Mask_IsCaseSensitive()
    {
        new SecretMasker(["Hunter2"]).Mask("hunter2 Hunter2").Should().Be("hunter2 ***");
    }

    // Secrets with what Markdown, JSON, URLs, regular expressions, shells and the runners' commands give meaning to.
    public static readonly string[] Special =
    [
        "p@ss`w*rd_[x]|<y>&\"z\"%41 $HOME;\\",
        "tok'en+/=#~<b>**x**</b>&amp;%0A{{.}}",
        "a,b:c;d]e%f\tg",
        "naïve café, 日本 ✓",
    ];

    public const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA1c+2/x<y>&z\nq9Pf3Ke7Jm0yL8Xo4c+UuTbWvQ==\nab\n\n-----END PRIVATE KEY-----\n";

    // The real formatters each channel writes with: whatever they make of a secret, the masker finds.
    private static readonly (string Name, Func<string, string> Write)[] Formatters =
    [
        ("as given", s => s),
        ("base64", s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s))),
        ("Uri.EscapeDataString", Uri.EscapeDataString),
        ("WebUtility.UrlEncode", WebUtility.UrlEncode),
        ("System.Text.Json", s => JsonSerializer.Serialize(new { body = s })),
        ("System.Text.Json, relaxed", s => JsonSerializer.Serialize(new { body = s }, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })),
        ("Octokit's serializer", s => new Octokit.Internal.SimpleJsonSerializer().Serialize(new { Body = s })),
        ("Markdown.EscapeInline", Markdown.EscapeInline),
        ("Markdown.EscapeCell", Markdown.EscapeCell),
        ("Markdown.Code", Markdown.Code),
        ("Markdown.Bullet", Markdown.Bullet),
        ("WorkflowCommands.Error", s => WorkflowCommands.Error(s, title: s)),
        ("WorkflowCommands.EscapeProperty", WorkflowCommands.EscapeProperty),
        ("AzureCommands.Error", AzureCommands.Error),
        ("AzureCommands.SetOutput", s => AzureCommands.SetOutput("out", s)),
    ];

    public static TheoryData<string, string> SecretsThroughFormatters()
    {
        var data = new TheoryData<string, string>();
        foreach (var secret in Special)
        {
            foreach (var (name, _) in Formatters)
            {
                data.Add(name, secret);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SecretsThroughFormatters))]
    public void Mask_ASecretAsAFormatterWroteIt_IsMasked(string formatter, string secret)
    {
        var written = Formatters.Single(f => f.Name == formatter).Write(secret);

        var masked = new SecretMasker([secret]).Mask("before " + written + " after");

        masked.Should().Contain(SecretMasker.Replacement).And.NotContain(secret);
        SecretMasker.Forms(secret).Should().NotContain(f => masked.Contains(f, StringComparison.Ordinal), "no form of it is left");
    }

    [Theory]
    [InlineData("p<x>&\"q\"", "p\\u003cx\\u003e\\u0026\\\"q\\\"", "Go's encoding/json, as the Kubernetes API writes a message")]
    [InlineData("it's", "it'\\''s", "the deploy log's helm command line, each argument single-quoted")]
    [InlineData("50% off;]", "50%AZP25 off%3B%5D", "the Azure agent's %AZP25")]
    [InlineData("two words", "two+words", "a form body")]
    public void Mask_FormsNoFormatterHereWrites_AreMaskedToo(string secret, string written, string where)
    {
        new SecretMasker([secret]).Mask("[" + written + "]").Should().Be("[***]", where);
    }

    [Fact]
    public void Mask_MultiLineSecret_MasksEveryLineInEveryEncoding_ButNotItsArmour()
    {
        var masker = new SecretMasker([Pem]);
        string[] lines = ["MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA1c+2/x<y>&z", "q9Pf3Ke7Jm0yL8Xo4c+UuTbWvQ=="];

        foreach (var line in lines)
        {
            foreach (var (name, write) in Formatters)
            {
                masker.Mask("<" + write(line) + ">").Should().NotContain(line, name).And.Contain(SecretMasker.Replacement, name);
            }
        }

        masker.Mask(Convert.ToBase64String(Encoding.UTF8.GetBytes(Pem.TrimEnd('\n')))).Should().Be("***", "base64 of the key without its final line break");
        masker.Mask(Markdown.EscapeCell(Pem)).Should().NotContain("MIIB").And.NotContain("q9Pf");
        masker.Mask(WorkflowCommands.EscapeData(Pem)).Should().Be("***");
        masker.Mask("-----BEGIN PRIVATE KEY-----\nab\n").Should().Be("-----BEGIN PRIVATE KEY-----\nab\n", "armour and short lines are not secret");
    }

    [Fact]
    public void SecretLines_LeaveOutArmourBlankAndShortLines()
    {
        SecretMasker.SecretLines(Pem).Should().Equal("MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA1c+2/x<y>&z", "q9Pf3Ke7Jm0yL8Xo4c+UuTbWvQ==");
        SecretMasker.SecretLines("  indented line\r\nnext").Should().Equal("  indented line", "indented line", "next");
        SecretMasker.SecretLines("one line").Should().BeEmpty();
    }

    [Theory]
    [InlineData("-----BEGIN PRIVATE KEY-----", true)]
    [InlineData("  -----END RSA PRIVATE KEY-----  ", true)]
    [InlineData("-----BEGIN CERTIFICATE-----", true)]
    [InlineData("-----BEGIN my key-----", false)]
    [InlineData("MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w", false)]
    public void IsPemArmor_IsTheFirstAndLastLineOfAPemBlock(string line, bool armour)
    {
        SecretMasker.IsPemArmor(line).Should().Be(armour);
    }

    [Fact]
    public void RunnerValues_AreSingleLine_ASecretAsGivenFirst_AndAMultiLineOneLineByLine()
    {
        var values = SecretMasker.RunnerValues(["pw", "hunter2", Pem]);

        values.Take(2).Should().Equal("pw", "hunter2");
        values.Should().Contain(["aHVudGVyMg==", "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA1c+2/x<y>&z", "q9Pf3Ke7Jm0yL8Xo4c+UuTbWvQ=="]);
        values.Should().Contain(WorkflowCommands.EscapeData(Pem), "the whole key on one line, as a command would carry it");
        values.Should().NotContain(v => v.Contains('\n') || v.Contains('\r'), "runners mask line by line");
        values.Should().NotContain(["-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "ab"]);
        values.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void EncodingNames_NameEveryFormThatIsMasked()
    {
        SecretMasker.EncodingNames.Should().StartWith(["as given", "base64"]).And.Contain(["URL", "JSON", "Markdown", "GitHub command data", "Azure command", "shell single-quoted"]);
    }
}
