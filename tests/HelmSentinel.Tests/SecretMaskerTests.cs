using System.Text;

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
}
