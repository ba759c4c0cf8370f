using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

public sealed class VerifySpecParserTests
{
    private const string IssueExample = """
        bake: 60s
        interval: 5s
        inconclusive: fail
        checks:
          - name: helm-test
            helmTest: { timeout: 2m, filter: "name=smoke" }
          - name: healthz
            http:
              service: web:http
              path: /healthz
              method: GET
              expectStatus: [200]
              bodyContains: '"status":"ok"'
              timeout: 2s
            failureLimit: 1
            consecutiveErrorLimit: 3
          - name: error-rate
            prometheus:
              url: http://prometheus.monitoring:9090
              query: sum(rate(http_requests_total{code=~"5..",app="web"}[1m])) / sum(rate(http_requests_total{app="web"}[1m]))
              bearerTokenSecret: PROM_TOKEN
            successCondition: result < 0.01 || result <= baseline * 1.2
            onEmpty: inconclusive
        """;

    private static readonly Func<string, string?> WithToken = name => name == "PROM_TOKEN" ? "s3cr3t-token" : null;

    private static VerifySpec Valid(string yaml, Func<string, string?>? environment = null)
    {
        var parsed = VerifySpecParser.Parse(yaml, environment ?? WithToken);
        parsed.Errors.Should().BeEmpty();
        parsed.Succeeded.Should().BeTrue();
        return parsed.Spec!;
    }

    private static IReadOnlyList<VerifyError> Errors(string yaml, Func<string, string?>? environment = null)
    {
        var parsed = VerifySpecParser.Parse(yaml, environment ?? WithToken);
        parsed.Succeeded.Should().BeFalse();
        parsed.Spec.Should().BeNull();
        parsed.Errors.Should().NotBeEmpty();
        return parsed.Errors;
    }

    private static VerifyError Single(string yaml, Func<string, string?>? environment = null)
    {
        var errors = Errors(yaml, environment);
        errors.Should().ContainSingle("errors were: {0}", string.Join(" / ", errors));
        return errors[0];
    }

    /// <summary>A document with one check, the check's lines indented under <c>- </c>.</summary>
    private static string OneCheck(string check) =>
        "checks:\n  - " + string.Join("\n    ", check.ReplaceLineEndings("\n").Split('\n')) + "\n";

    [Fact]
    public void TheIssuesExample_Parses_IntoTheModel()
    {
        var spec = Valid(IssueExample);

        spec.Bake.Should().Be(TimeSpan.FromSeconds(60));
        spec.Interval.Should().Be(TimeSpan.FromSeconds(5));
        spec.Inconclusive.Should().Be(InconclusivePolicy.Fail);
        spec.Checks.Select(c => (c.Name, c.Kind)).Should().Equal(("helm-test", "helmTest"), ("healthz", "http"), ("error-rate", "prometheus"));

        var helmTest = spec.Checks[0].Should().BeOfType<HelmTestCheck>().Subject;
        helmTest.Timeout.Should().Be(TimeSpan.FromMinutes(2));
        helmTest.Filter.Should().Equal("name=smoke");

        var http = spec.Checks[1].Should().BeOfType<HttpCheck>().Subject;
        http.Service.Should().Be(new ServiceReference(null, "web", "http"));
        http.Url.Should().BeNull();
        http.Path.Should().Be("/healthz");
        http.Method.Should().Be("GET");
        http.ExpectStatus.Should().Equal(new ExpectedStatus(200, 200));
        http.BodyContains.Should().Be("\"status\":\"ok\"");
        http.Timeout.Should().Be(TimeSpan.FromSeconds(2));
        http.FailureLimit.Should().Be(1);
        http.ConsecutiveErrorLimit.Should().Be(3);
        spec.IntervalOf(http).Should().Be(TimeSpan.FromSeconds(5));

        var prometheus = spec.Checks[2].Should().BeOfType<PrometheusCheck>().Subject;
        prometheus.Url.Should().Be(new Uri("http://prometheus.monitoring:9090"));
        prometheus.Query.Should().StartWith("sum(rate(http_requests_total{code=~\"5..\"");
        prometheus.BearerTokenSecret.Should().Be("PROM_TOKEN");
        prometheus.SuccessCondition.ToString().Should().Be("result < 0.01 || result <= baseline * 1.2");
        prometheus.SuccessCondition.Variables.Should().HaveFlag(ConditionVariables.Baseline);
        prometheus.OnEmpty.Should().Be(EmptyResultPolicy.Inconclusive);
        prometheus.ToString().Should().NotContain("s3cr3t", "only the variable's name is kept");
    }

    [Fact]
    public void Defaults_AreThoseDocumented()
    {
        var spec = Valid("""
            checks:
              - name: smoke
                helmTest: {}
              - name: home
                http: { url: "https://staging.example/" }
              - name: up
                prometheus: { service: monitoring/prometheus:9090, query: up, successCondition: result == 1 }
            """);

        spec.Bake.Should().Be(TimeSpan.FromMinutes(1));
        spec.Interval.Should().Be(TimeSpan.FromSeconds(10));
        spec.Inconclusive.Should().Be(InconclusivePolicy.Fail);
        spec.Checks.Should().AllSatisfy(c =>
        {
            c.FailureLimit.Should().Be(0);
            c.ConsecutiveErrorLimit.Should().Be(3);
            c.Interval.Should().BeNull();
        });
        var helmTest = (HelmTestCheck)spec.Checks[0];
        (helmTest.Timeout, helmTest.Filter.Count).Should().Be((TimeSpan.FromMinutes(5), 0));
        var http = (HttpCheck)spec.Checks[1];
        (http.Path, http.Method, http.Timeout, http.BodyContains, http.JsonPath, http.SuccessCondition).Should()
            .Be(("/", "GET", TimeSpan.FromSeconds(5), (string?)null, (string?)null, (Condition?)null));
        http.ExpectStatus.Should().Equal(ExpectedStatus.Success);
        ExpectedStatus.Success.Matches(204).Should().BeTrue();
        ExpectedStatus.Success.Matches(301).Should().BeFalse();
        var prometheus = (PrometheusCheck)spec.Checks[2];
        prometheus.Service.Should().Be(new ServiceReference("monitoring", "prometheus", "9090"));
        (prometheus.OnEmpty, prometheus.Timeout, prometheus.BearerTokenSecret).Should().Be((EmptyResultPolicy.Inconclusive, TimeSpan.FromSeconds(10), (string?)null));
    }

    [Fact]
    public void Options_AreRead_InEitherPlace()
    {
        var spec = Valid("""
            bake: 2m
            inconclusive: pass
            checks:
              - name: latency
                interval: 30s
                http:
                  url: http://web.example:8080/status?verbose=1
                  method: head
                  expectStatus: [200, 3xx]
                  jsonPath: $.checks[0]['p99']
                  successCondition: result < 0.5
              - name: errors
                prometheus:
                  url: https://prom.example/prometheus
                  query: sum(errors)
                  successCondition: result <= baseline
                  onEmpty: pass
                  timeout: 3s
              - name: smoke
                helmTest: { filter: ["name=a,!name=b", "name=c"] }
            """);

        spec.Inconclusive.Should().Be(InconclusivePolicy.Pass);
        var http = (HttpCheck)spec.Checks[0];
        spec.IntervalOf(http).Should().Be(TimeSpan.FromSeconds(30));
        http.Url.Should().Be(new Uri("http://web.example:8080/status?verbose=1"));
        http.Method.Should().Be("HEAD");
        http.ExpectStatus.Select(s => s.ToString()).Should().Equal("200", "3xx");
        http.JsonPath.Should().Be("$.checks[0]['p99']");
        http.SuccessCondition!.Text.Should().Be("result < 0.5");
        var prometheus = (PrometheusCheck)spec.Checks[1];
        (prometheus.OnEmpty, prometheus.Timeout).Should().Be((EmptyResultPolicy.Pass, TimeSpan.FromSeconds(3)));
        ((HelmTestCheck)spec.Checks[2]).Filter.Should().Equal("name=a", "!name=b", "name=c");
    }

    [Theory]
    [InlineData("checks: [\n  - name: x", "document", "not valid YAML at line 2, column 3:")]
    [InlineData("bake: 60s\n  interval: 5s\n", "document", "not valid YAML at line 2, column 11:")]
    [InlineData("bake: 1m\nbake: 2m\nchecks: []\n", "document", "not valid YAML at line 2, column 1:")]
    public void InvalidYaml_IsOneError_WithItsLineAndColumn(string yaml, string field, string start)
    {
        var error = Single(yaml);

        (error.Check, error.Field).Should().Be(((string?)null, field));
        error.Message.Should().StartWith(start).And.NotContain("Idx:");
        error.Line.Should().NotBeNull();
    }

    [Theory]
    [InlineData("", "the document is empty; expected a mapping with checks (and bake, interval, inconclusive)")]
    [InlineData("# only a comment\n", "the document is empty; expected a mapping with checks (and bake, interval, inconclusive)")]
    [InlineData("- name: x\n", "expected a mapping with checks (and bake, interval, inconclusive), found a list")]
    [InlineData("a: 1\n---\nb: 2\n", "expected one YAML document, found 2")]
    public void ADocumentThatIsNoMapping_IsRefused(string yaml, string message)
    {
        Single(yaml).Should().Be(Single(yaml) with { Check = null, Field = "document", Message = message });
    }

    [Theory]
    [InlineData("bake: 1m\n", "missing; a verify document needs at least one check")]
    [InlineData("checks: []\n", "is empty; a verify document needs at least one check")]
    [InlineData("checks:\n", "is empty; a verify document needs at least one check")]
    [InlineData("checks: web\n", "expected a list of checks, found 'web'; a verify document needs at least one check")]
    public void NoChecks_IsAnError(string yaml, string message)
    {
        var error = Single(yaml);

        (error.Check, error.Field, error.Message).Should().Be(((string?)null, "checks", message));
    }

    [Fact]
    public void AnUnknownField_IsNamed_WithWhereItIs()
    {
        var errors = Errors("""
            bake: 1m
            timeout: 5m
            checks:
              - name: web
                retries: 2
                http: { url: "http://a.example/", verb: GET }
            """);

        errors.Select(e => e.ToString()).Should().Equal(
            "timeout (line 2): unknown field 'timeout'; expected bake, interval, inconclusive or checks",
            "check web, retries (line 5): unknown field 'retries'; expected name, helmTest, http, prometheus, failureLimit, consecutiveErrorLimit, interval, successCondition or onEmpty",
            "check web, http.verb (line 6): unknown field 'verb'; expected service, url, path, method, expectStatus, bodyContains, jsonPath, successCondition or timeout");
    }

    [Fact]
    public void AFieldInTheWrongCase_IsRefused_SayingSo()
    {
        var error = Single(OneCheck("name: web\nhttp: { URL: \"http://a.example/\", url: \"http://a.example/\" }"));

        (error.Check, error.Field, error.Message).Should().Be(("web", "http.URL", "unknown field 'URL'; field names are case-sensitive: url"));
    }

    [Fact]
    public void AnUnknownKind_IsNamed()
    {
        var error = Single(OneCheck("name: hook\nwebhook: { url: \"http://a.example/\" }"));

        (error.Check, error.Field, error.Message).Should().Be(("hook", "webhook", "unknown kind 'webhook'; expected one of helmTest, http or prometheus"));
    }

    [Fact]
    public void NoKind_IsAnError()
    {
        var error = Single(OneCheck("name: idle\nfailureLimit: 1"));

        (error.Check, error.Field, error.Message, error.Line).Should().Be(("idle", "kind", "no kind; give one of helmTest, http or prometheus", 2));
    }

    [Fact]
    public void TwoKinds_AreAnError()
    {
        var error = Single(OneCheck("name: both\nhelmTest: {}\nhttp: { url: \"http://a.example/\" }"));

        (error.Check, error.Field, error.Message).Should().Be(("both", "kind", "two kinds, helmTest and http; a check has exactly one"));
    }

    [Fact]
    public void AnUnnamedCheck_IsNamedByItsPosition()
    {
        var errors = Errors("""
            checks:
              - name: first
                helmTest: {}
              - http: { url: "http://a.example/" }
            """);

        errors.Should().ContainSingle().Which.ToString().Should()
            .Be("check #2, name (line 4): missing; every check needs a name (reports and the failed-check output use it)");
    }

    [Theory]
    [InlineData("my check", "'my check' is not a check name; use letters, digits, '-', '_' and '.' (at most 63), starting and ending with a letter or digit")]
    [InlineData("-web", "'-web' is not a check name; use letters, digits, '-', '_' and '.' (at most 63), starting and ending with a letter or digit")]
    public void ABadName_IsRefused(string name, string message)
    {
        Single(OneCheck($"name: '{name}'\nhelmTest: {{}}")).Message.Should().Be(message);
    }

    [Fact]
    public void DuplicateNames_AreRefused_AtTheSecond()
    {
        var error = Single("""
            checks:
              - name: web
                helmTest: {}
              - name: api
                helmTest: {}
              - name: web
                http: { url: "http://a.example/" }
            """);

        error.ToString().Should().Be("check web, name (line 6): 'web' is also the name of check #1; names must be unique");
    }

    [Theory]
    [InlineData("bake: 5x", "bake", "'5x' is not a positive duration; expected e.g. 30s, 5m or 1h30m")]
    [InlineData("bake: 60", "bake", "'60' has no unit; write e.g. 60s")]
    [InlineData("interval: -5s", "interval", "'-5s' is not a positive duration; expected e.g. 30s, 5m or 1h30m")]
    [InlineData("interval: 0s", "interval", "'0s' is not a positive duration; expected e.g. 30s, 5m or 1h30m")]
    [InlineData("bake: [1m]", "bake", "expected a single value, found a list")]
    public void ABadDuration_IsNamed(string line, string field, string message)
    {
        var error = Single(line + "\n" + OneCheck("name: t\nhelmTest: {}"));

        (error.Check, error.Field, error.Message, error.Line).Should().Be(((string?)null, field, message, 1));
    }

    [Theory]
    [InlineData("helmTest: { timeout: soon }", "helmTest.timeout")]
    [InlineData("http: { url: \"http://a.example/\", timeout: 2 }", "http.timeout")]
    [InlineData("prometheus: { url: \"http://p.example/\", query: up, successCondition: result == 1, timeout: 1d }", "prometheus.timeout")]
    [InlineData("interval: often\nhttp: { url: \"http://a.example/\" }", "interval")]
    public void ABadDurationInACheck_NamesTheCheckAndTheField(string body, string field)
    {
        var error = Single(OneCheck("name: c\n" + body));

        (error.Check, error.Field).Should().Be(("c", field));
        error.Message.Should().MatchRegex("is not a positive duration|has no unit");
    }

    [Fact]
    public void ABakeShorterThanTheInterval_IsRefused_AlsoForACheck()
    {
        Single("bake: 5s\ninterval: 10s\n" + OneCheck("name: h\nhttp: { url: \"http://a.example/\" }")).ToString().Should()
            .Be("interval (line 2): interval 10s is longer than bake 5s; the bake must leave room for a sample");
        Valid("bake: 5s\ninterval: 10s\n" + OneCheck("name: t\nhelmTest: {}")).Bake.Should().Be(TimeSpan.FromSeconds(5), "helm test runs once: the interval samples nothing");
        Valid("bake: 5s\ninterval: 10s\n" + OneCheck("name: h\ninterval: 1s\nhttp: { url: \"http://a.example/\" }")).Checks.Should().ContainSingle("the check has an interval of its own");
        Single("bake: 30s\n" + OneCheck("name: c\ninterval: 1m\nhttp: { url: \"http://a.example/\" }")).ToString().Should()
            .Be("check c, interval (line 4): interval 1m is longer than bake 30s; the bake must leave room for a sample");
        Valid(OneCheck("name: t\nhelmTest: {}")).Interval.Should().BeLessThan(VerifySpec.DefaultBake, "the default interval fits the default bake");
    }

    [Theory]
    [InlineData("failureLimit: -1", "failureLimit", "-1 is negative; give 0 or more")]
    [InlineData("consecutiveErrorLimit: -2", "consecutiveErrorLimit", "-2 is negative; give 0 or more")]
    [InlineData("failureLimit: 1.5", "failureLimit", "'1.5' is not a whole number")]
    [InlineData("consecutiveErrorLimit: many", "consecutiveErrorLimit", "'many' is not a whole number")]
    public void ABadLimit_IsNamed(string line, string field, string message)
    {
        var error = Single(OneCheck("name: c\n" + line + "\nhttp: { url: \"http://a.example/\" }"));

        (error.Check, error.Field, error.Message).Should().Be(("c", field, message));
    }

    [Theory]
    [InlineData("service: web", "'web' has no port; write name:port, e.g. web:http or web:8080")]
    [InlineData("service: 'web:'", "'web:' has no port; write name:port, e.g. web:http or web:8080")]
    [InlineData("service: 'web:70000'", "port 70000 is out of range; a port number is 1 to 65535")]
    [InlineData("service: 'web:0'", "port 0 is out of range; a port number is 1 to 65535")]
    [InlineData("service: 'Web_1:80'", "'Web_1' is not a Service name (lower-case letters, digits and '-', starting with a letter, at most 63)")]
    [InlineData("service: 'web:HTTP'", "'HTTP' is not a port; give its number or its name (lower-case letters, digits and '-', at most 15)")]
    [InlineData("service: 'a/b/c:80'", "'a/b/c:80' is not a service; write name:port or namespace/name:port, e.g. web:http or monitoring/prometheus:9090")]
    [InlineData("service: 'Mon/web:80'", "'Mon' is not a namespace (lower-case letters, digits and '-', at most 63)")]
    public void ABadService_IsNamed(string line, string message)
    {
        var error = Single(OneCheck("name: web\nhttp:\n  " + line));

        (error.Check, error.Field, error.Message).Should().Be(("web", "http.service", message));
    }

    [Theory]
    [InlineData("ftp://files.example/x")]
    [InlineData("/healthz")]
    [InlineData("staging.example/healthz")]
    [InlineData("http://")]
    [InlineData("file:///etc/passwd")]
    public void AUrlThatIsNotHttpOrHttps_IsRefused(string url)
    {
        var error = Single(OneCheck($"name: web\nhttp: {{ url: '{url}' }}"));

        (error.Check, error.Field, error.Message).Should().Be(("web", "http.url", $"'{url}' is not an http or https URL; write e.g. https://staging.example/healthz"));
        Single(OneCheck($"name: p\nprometheus: {{ url: '{url}', query: up, successCondition: result == 1 }}")).Field.Should().Be("prometheus.url");
    }

    [Fact]
    public void AUrlWithCredentials_IsRefused_WithoutQuotingThem()
    {
        var error = Single(OneCheck("name: web\nhttp: { url: 'https://admin:hunter2@a.example/' }"));

        error.Field.Should().Be("http.url");
        error.Message.Should().Be("the URL holds a user name or password, which would be printed in logs; use bearerTokenSecret or a URL without credentials");
    }

    [Fact]
    public void APathWithAUrl_IsRefused()
    {
        var error = Single(OneCheck("name: web\nhttp: { url: 'https://a.example/', path: /healthz }"));

        (error.Field, error.Message).Should().Be(("http.path", "path goes with service; a url carries its own path"));
    }

    [Fact]
    public void APathWithoutASlash_IsRefused()
    {
        Single(OneCheck("name: web\nhttp: { service: 'web:80', path: healthz }")).Message.Should()
            .Be("'healthz' is not a path; it starts with / and has no spaces, e.g. /healthz");
    }

    [Theory]
    [InlineData("{ service: 'web:80', url: 'http://a.example/' }", "http.url", "give service or url, not both")]
    [InlineData("{ path: /healthz }", "http", "no target; give service (name:port, through the API server's proxy) or url (http or https)")]
    public void ServiceAndUrl_AreExactlyOne(string http, string field, string message)
    {
        var error = Single(OneCheck("name: web\nhttp: " + http));

        (error.Field, error.Message).Should().Be((field, message));
    }

    [Theory]
    [InlineData("method: FETCH", "http.method", "'FETCH' is not a method; expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")]
    [InlineData("expectStatus: [200, 700]", "http.expectStatus", "'700' is not an HTTP status; expected a code from 100 to 599 or a class such as 2xx")]
    [InlineData("expectStatus: [ok]", "http.expectStatus", "'ok' is not an HTTP status; expected a code from 100 to 599 or a class such as 2xx")]
    [InlineData("expectStatus: []", "http.expectStatus", "is empty; give at least one status, e.g. [200] or [2xx]")]
    [InlineData("bodyContains: ''", "http.bodyContains", "is empty; every body contains the empty text")]
    [InlineData("method: HEAD\n  bodyContains: ok", "http.bodyContains", "a HEAD answer has no body; use GET")]
    [InlineData("jsonPath: status\n  successCondition: result == 1", "http.jsonPath", "'status' is not a JSON path; expected $ followed by .name, ['name'] or [index] steps, e.g. $.status or $.checks[0].latency")]
    [InlineData("jsonPath: $.status", "http.jsonPath", "needs a successCondition on the number it selects, e.g. result < 0.5")]
    [InlineData("successCondition: result == 1", "http.successCondition", "needs a jsonPath to say which number of the JSON body it judges as result")]
    [InlineData("jsonPath: $.ratio\n  successCondition: result <= baseline", "http.successCondition", "an http check has no baseline (only prometheus checks do); compare result with a number")]
    public void ABadHttpField_IsNamed(string lines, string field, string message)
    {
        var error = Single(OneCheck("name: web\nhttp:\n  service: web:http\n  " + lines));

        (error.Check, error.Field, error.Message).Should().Be(("web", field, message));
    }

    [Theory]
    [InlineData("result <", "'result <' does not parse: at column 9, expected a number, result, baseline or '(' but found the end")]
    [InlineData("result < 0.01 and result > 0", "'result < 0.01 and result > 0' does not parse: at column 15, unknown name 'and'; write && to join conditions")]
    [InlineData("result", "'result' does not parse: at column 1, the condition is a number, not true or false; compare it, e.g. result < 0.01")]
    [InlineData("1 < 2", "'1 < 2' never reads result, so it is always true or always false")]
    public void AConditionThatDoesNotParse_IsNamed_WithItsColumn(string condition, string message)
    {
        var error = Single(OneCheck($"name: errors\nprometheus: {{ url: 'http://p.example/', query: up }}\nsuccessCondition: '{condition}'"));

        (error.Check, error.Field, error.Message, error.Line).Should().Be(("errors", "successCondition", message, 4));
        Single(OneCheck($"name: errors\nprometheus: {{ url: 'http://p.example/', query: up, successCondition: '{condition}' }}"))
            .Field.Should().Be("prometheus.successCondition");
    }

    [Fact]
    public void ATokenVariableThatIsNotSet_IsRefused_AndItsValueNeverQuoted()
    {
        const string check = "name: errors\nprometheus: { url: 'https://p.example/', query: up, successCondition: result == 1, bearerTokenSecret: PROM_TOKEN }";

        Single(OneCheck(check), _ => null).ToString().Should()
            .Be("check errors, prometheus.bearerTokenSecret (line 3): the environment variable PROM_TOKEN is not set (or is empty); set it to the token, e.g. from a secret");
        Single(OneCheck(check), _ => "").Field.Should().Be("prometheus.bearerTokenSecret");
        Valid(OneCheck(check));
    }

    [Theory]
    [InlineData("bearerTokenSecret: 'my token'", "'my token' is not an environment variable name; give the name of the variable that holds the token, e.g. PROM_TOKEN")]
    [InlineData("bearerTokenSecret: PROM_TOKEN\n  service: monitoring/prometheus:9090",
        "goes with url: through the API server's proxy the request carries the cluster's credentials, and the proxy does not pass a token on")]
    public void ABadTokenVariable_IsRefused(string lines, string message)
    {
        var target = lines.Contains("service", StringComparison.Ordinal) ? "" : "\n  url: https://p.example/";
        var error = Single(OneCheck("name: errors\nprometheus:\n  query: up\n  successCondition: result == 1" + target + "\n  " + lines));

        (error.Field, error.Message).Should().Be(("prometheus.bearerTokenSecret", message));
    }

    [Theory]
    [InlineData("{ url: 'http://p.example/', successCondition: result == 1 }", "prometheus.query", "missing; give the PromQL query whose single sample is result")]
    [InlineData("{ url: 'http://p.example/', query: '  ', successCondition: result == 1 }", "prometheus.query", "is empty; give the PromQL query whose single sample is result")]
    [InlineData("{ url: 'http://p.example/', query: up }", "prometheus.successCondition", "missing; give the condition each sample must meet, e.g. result < 0.01")]
    [InlineData("{ url: 'http://p.example/', query: up, successCondition: result == 1, onEmpty: ignore }", "prometheus.onEmpty", "'ignore' is not one of inconclusive, fail or pass")]
    public void ABadPrometheusField_IsNamed(string block, string field, string message)
    {
        var error = Single(OneCheck("name: errors\nprometheus: " + block));

        (error.Check, error.Field, error.Message).Should().Be(("errors", field, message));
    }

    [Fact]
    public void AFieldGivenTwice_InTheCheckAndInItsKind_IsRefused()
    {
        var error = Single(OneCheck("name: errors\nsuccessCondition: result < 1\nprometheus: { url: 'http://p.example/', query: up, successCondition: result < 2 }"));

        (error.Field, error.Message).Should().Be(("successCondition", "is given twice, in the check and in prometheus; keep one"));
    }

    [Theory]
    [InlineData("helmTest: {}\nfailureLimit: 1", "failureLimit", "helmTest runs once, so one failed run fails it; failureLimit does not apply")]
    [InlineData("helmTest: {}\ninterval: 5s", "interval", "helmTest runs once at the start of the bake; it takes no interval")]
    [InlineData("helmTest: {}\nonEmpty: pass", "onEmpty", "applies to prometheus checks only, not to helmTest")]
    [InlineData("helmTest: {}\nsuccessCondition: result < 1", "successCondition", "a helmTest check takes no successCondition")]
    [InlineData("helmTest: { filter: smoke }", "helmTest.filter", "'smoke' is not a test filter; expected name=TEST or !name=TEST")]
    [InlineData("helmTest: yes", "helmTest", "expected a mapping of timeout, filter, found 'yes'")]
    [InlineData("http: { url: 'http://a.example/' }\nonEmpty: fail", "onEmpty", "applies to prometheus checks only, not to http")]
    public void AFieldThatDoesNotApplyToTheKind_IsRefused(string lines, string field, string message)
    {
        var error = Single(OneCheck("name: c\n" + lines));

        (error.Check, error.Field, error.Message).Should().Be(("c", field, message));
    }

    [Fact]
    public void InconclusiveMustBeFailOrPass()
    {
        Single("inconclusive: maybe\n" + OneCheck("name: t\nhelmTest: {}")).ToString().Should()
            .Be("inconclusive (line 1): 'maybe' is not one of fail or pass");
    }

    [Fact]
    public void EveryErrorIsCollected_NotOnlyTheFirst()
    {
        var errors = Errors("""
            bake: 5x
            interval: forever
            checks:
              - name: healthz
                http: { service: web, path: healthz }
                failureLimit: -1
              - name: error-rate
                prometheus:
                  url: ftp://prometheus
                  query: up
                  bearerTokenSecret: PROM_TOKEN
                successCondition: result <
              - name: healthz
                job: { image: busybox }
            """, _ => null);

        errors.Select(e => (e.Check, e.Field)).Should().Equal(
            (null, "bake"),
            (null, "interval"),
            ("healthz", "failureLimit"),
            ("healthz", "http.service"),
            ("healthz", "http.path"),
            ("error-rate", "prometheus.url"),
            ("error-rate", "prometheus.bearerTokenSecret"),
            ("error-rate", "successCondition"),
            ("healthz", "job"));
        errors.Should().OnlyContain(e => e.Line != null);
    }

    [Fact]
    public void AnError_PrintsCheckFieldAndLine()
    {
        new VerifyError("healthz", "http.path", "path goes with service", 7).ToString().Should().Be("check healthz, http.path (line 7): path goes with service");
        new VerifyError(null, "bake", "'5x' is not a positive duration", null).ToString().Should().Be("bake: '5x' is not a positive duration");
    }
}
