using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Deploy;

public sealed class DeployInputsSecretsTests
{
    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\nggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm==\n-----END PRIVATE KEY-----";

    [Theory]
    [InlineData("password", true)]
    [InlineData("db.password", true)]
    [InlineData("db.adminPassword", true)]
    [InlineData("DB.ADMIN_PASSWORD", true)]
    [InlineData("mysql.passwd", true)]
    [InlineData("auth.githubToken", true)]
    [InlineData("auth.token", true)]
    [InlineData("oauth.clientSecret", true)]
    [InlineData("app.secret", true)]
    [InlineData("stripe.apiKey", true)]
    [InlineData("headers.x-api-key", true)]
    [InlineData("openai.api_key", true)]
    [InlineData("tls.privateKey", true)]
    [InlineData("ssh.private-key", true)]
    [InlineData("gcp.credentials", true)]
    [InlineData("users[0].password", true)]
    [InlineData("users[0].password[1]", true)]
    [InlineData("image.tag", false)]
    [InlineData("replicas", false)]
    [InlineData("replicaCount", false)]
    [InlineData("auth.secretName", false)]
    [InlineData("auth.tokenTTL", false)]
    [InlineData("password.length", false)]
    [InlineData("ingress.tls[0].secretName", false)]
    [InlineData(@"annotations.my\.password", true)]
    [InlineData(@"annotations.password\.policy", false)]
    public void IsSecretKey_LooksAtTheEndOfTheLastSegment(string key, bool secret)
    {
        DeployInputs.IsSecretKey(key).Should().Be(secret);
    }

    [Theory]
    [InlineData("db.password=hunter2", new[] { "hunter2" })]
    [InlineData("image.tag=1.2.3,db.adminPassword=s3cr3t,replicas=2", new[] { "s3cr3t" })]
    [InlineData(@"db.password=a\,b\\c", new[] { @"a\,b\\c", @"a,b\c" })]
    [InlineData("db.password=x=y", new[] { "x=y" })]
    [InlineData("auth.tokens={t1,t2}", new string[0])]
    [InlineData("auth.apiToken={tok-one,tok-two},image.tag=2", new[] { "tok-one", "tok-two" })]
    [InlineData("auth.enabled=true,auth.createSecret=true,auth.token=null,auth.password=", new string[0])]
    [InlineData("db.password", new string[0])]
    [InlineData("greeting=hunter2", new string[0])]
    public void UndeclaredSecrets_AreTheValuesUnderSecretLookingKeys_AsTypedAndAsHelmReadsThem(string pairs, string[] expected)
    {
        DeployInputs.UndeclaredSecrets([pairs]).Should().Equal(expected);
    }

    [Fact]
    public void DeclaredSecrets_AreOneALine_ButAPemBlockIsOneSecret()
    {
        DeployInputs.DeclaredSecrets(["  pw-one \n\n" + Pem.Replace("\n", "\n  ", StringComparison.Ordinal) + "\npw-two"])
            .Should().Equal("pw-one", Pem, "pw-two");
        DeployInputs.DeclaredSecrets(["-----BEGIN PRIVATE KEY-----\nno end"]).Should().Equal("-----BEGIN PRIVATE KEY-----", "no end");
    }

    [Fact]
    public void Parse_PutsDeclaredAndUndeclaredSecretsInTheRequest()
    {
        var (request, errors) = DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["release"] = ["web"],
            ["chart"] = ["./web"],
            ["set"] = ["image.tag=2.0.0\ndb.adminPassword=s3cr3t-admin"],
            ["set-string"] = ["auth.githubToken=ghp_0123456789"],
            ["secrets"] = ["declared-1\n" + Pem],
        });

        errors.Should().BeEmpty();
        request!.Secrets.Should().Equal("declared-1", Pem, "s3cr3t-admin", "ghp_0123456789");
        request.Secrets.Should().NotContain(["2.0.0", "image.tag=2.0.0"]);
    }

    [Fact]
    public void MaskedValues_AddTheUndeclaredSecrets_OfARequestBuiltWithoutThem()
    {
        var request = new DeployRequest { Release = "web", Chart = "./web", Set = ["db.password=hunter2", "replicas=3"], SetString = ["api.token=tkn-42"], Secrets = ["declared"] };

        request.MaskedValues.Should().Equal("declared", "hunter2", "tkn-42");
        (request with { Secrets = ["hunter2"] }).MaskedValues.Should().Equal("hunter2", "tkn-42");
    }
}
