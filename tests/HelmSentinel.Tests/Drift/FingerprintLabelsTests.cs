using System.Text.RegularExpressions;
using HelmSentinel.Drift;

namespace HelmSentinel.Tests.Drift;

public sealed partial class FingerprintLabelsTests
{
    private const string Hash = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

    [Theory]
    [InlineData("ConfigMap", "shared-config", "helm-sentinel/cm.shared-config")]
    [InlineData("Secret", "db.credentials", "helm-sentinel/secret.db.credentials")]
    public void AShortName_IsItsOwnKey_AndReadsBack(string kind, string name, string key)
    {
        FingerprintLabels.Key(kind, "shop", name, "shop").Should().Be(key);
        FingerprintLabels.Parse(key).Should().Be((kind, name));
        ValidKey(key).Should().BeTrue();
    }

    [Fact]
    public void ALongName_IsShortenedWithAHash_ThatStaysValidDistinctAndStable()
    {
        var name = new string('a', 200) + ".example-config";
        var other = new string('a', 200) + ".example-configs";

        var key = FingerprintLabels.Key("ConfigMap", "shop", name, "shop");

        ValidKey(key).Should().BeTrue(key);
        key.Should().StartWith("helm-sentinel/cm.aaaa").And.Contain("_");
        key.Should().Be(FingerprintLabels.Key("ConfigMap", "shop", name, "shop"));
        key.Should().NotBe(FingerprintLabels.Key("ConfigMap", "shop", other, "shop"));
        key.Should().NotBe(FingerprintLabels.Key("Secret", "shop", name, "shop"));
        FingerprintLabels.Parse(key).Should().Be(("ConfigMap", (string?)null), "a hashed key is found by computing it, not by reading it");
    }

    [Theory]
    [InlineData("My_Config")]
    [InlineData("config:v2")]
    [InlineData("-leading")]
    [InlineData("__")]
    public void BadCharacters_GiveAValidHashedKey(string name)
    {
        var key = FingerprintLabels.Key("ConfigMap", "shop", name, "shop");

        ValidKey(key).Should().BeTrue(key);
        FingerprintLabels.Parse(key)!.Value.Name.Should().BeNull();
    }

    [Fact]
    public void AnObjectInAnotherNamespace_GetsAKeyOfItsOwn()
    {
        var here = FingerprintLabels.Key("ConfigMap", "shop", "shared", "shop");
        var there = FingerprintLabels.Key("ConfigMap", "platform", "shared", "shop");

        there.Should().NotBe(here);
        ValidKey(there).Should().BeTrue();
    }

    [Fact]
    public void AValue_KeepsAHashPrefixAndTheResourceVersion_AndReadsBack()
    {
        var value = FingerprintLabels.Value(new ConfigFingerprint(Hash, "48213"));

        value.Should().Be(Hash[..32] + ".48213");
        ValidValue(value).Should().BeTrue();
        var (valid, fingerprint) = FingerprintLabels.ParseValue(value);
        valid.Should().BeTrue();
        fingerprint.Should().Be(new ConfigFingerprint(Hash[..32], "48213"));
        fingerprint!.SameData(new ConfigFingerprint(Hash, "1")).Should().BeTrue("the data is compared on the digits both have");
        fingerprint.SameData(new ConfigFingerprint("ff" + Hash[2..], "48213")).Should().BeFalse();
    }

    [Theory]
    [InlineData("rv:with:colons")]
    [InlineData("123456789012345678901234567890123")]
    public void AResourceVersionThatDoesNotFit_IsLeftOut(string resourceVersion)
    {
        var value = FingerprintLabels.Value(new ConfigFingerprint(Hash, resourceVersion));

        value.Should().Be(Hash[..32]);
        ValidValue(value).Should().BeTrue();
        FingerprintLabels.ParseValue(value).Fingerprint!.ResourceVersion.Should().BeNull();
    }

    [Fact]
    public void AMissingObject_IsRecordedAsAbsent_AndForeignValuesAreNotOurs()
    {
        FingerprintLabels.Value(null).Should().Be("absent");
        FingerprintLabels.ParseValue("absent").Should().Be((true, (ConfigFingerprint?)null));
        FingerprintLabels.ParseValue("v1").Valid.Should().BeFalse();
        FingerprintLabels.Parse("team.example/owner").Should().BeNull();
        FingerprintLabels.Parse("helm-sentinel/pod.web").Should().BeNull();
    }

    [Fact]
    public void TheLabelsOfARevision_FingerprintWhatIsOutside_AndDeleteWhatNoLongerIs()
    {
        ExternalConfigObject Object(string kind, string name, ConfigClass @class, ConfigFingerprint? fingerprint = null) =>
            new(kind, "shop", name, @class, null, fingerprint, false, ["Deployment/web containers[name=web].envFrom"]);
        var previous = new Dictionary<string, string>
        {
            ["helm-sentinel/cm.shared"] = "old",
            ["helm-sentinel/cm.gone"] = "old",
            ["name"] = "web",
            ["status"] = "deployed",
            ["team.example/owner"] = "payments",
        };

        var labels = FingerprintLabels.For(
            [
                Object("ConfigMap", "shared", ConfigClass.Unmanaged, new ConfigFingerprint(Hash, "7")),
                Object("Secret", "db", ConfigClass.OtherRelease, new ConfigFingerprint(Hash, "9")),
                Object("ConfigMap", "absent", ConfigClass.Missing),
                Object("ConfigMap", "web-config", ConfigClass.InRelease),
                Object("Secret", "forbidden", ConfigClass.Unreadable),
            ],
            "shop",
            previous);

        labels.Should().Equal(new Dictionary<string, string>
        {
            ["helm-sentinel/cm.absent"] = "absent",
            ["helm-sentinel/cm.gone"] = "null",
            ["helm-sentinel/cm.shared"] = Hash[..32] + ".7",
            ["helm-sentinel/secret.db"] = Hash[..32] + ".9",
        });
    }

    // apimachinery's IsQualifiedName and IsValidLabelValue.
    private static bool ValidKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (prefix, name) = slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
        return (slash < 0 || prefix.Length is > 0 and <= 253 && DnsSubdomain().IsMatch(prefix)) && name.Length is > 0 and <= 63 && LabelSyntax().IsMatch(name);
    }

    private static bool ValidValue(string value) => value.Length <= 63 && LabelSyntax().IsMatch(value);

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelSyntax();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
