using System.Globalization;
using System.Text.RegularExpressions;
using HelmSentinel.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Verify;

/// <summary>
/// Reads and validates a <c>verify</c> document (pure: the environment is passed in). Every problem is collected, not
/// only the first, each naming the check (by name, or <c>#N</c>) and the field.
/// </summary>
/// <example>
/// <code>
/// bake: 60s
/// interval: 5s
/// inconclusive: fail
/// checks:
///   - name: healthz
///     http: { service: web:http, path: /healthz, expectStatus: [200] }
///   - name: error-rate
///     prometheus:
///       url: http://prometheus.monitoring:9090
///       query: sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))
///     successCondition: result &lt; 0.01 || result &lt;= baseline * 1.2
/// </code>
/// </example>
public static partial class VerifySpecParser
{
    private const string HelmTestKind = "helmTest";
    private const string HttpKind = "http";
    private const string PrometheusKind = "prometheus";

    private static readonly string[] Kinds = [HelmTestKind, HttpKind, PrometheusKind];
    private static readonly string[] TopFields = ["bake", "interval", "inconclusive", "checks"];
    private static readonly string[] CheckFields =
        ["name", HelmTestKind, HttpKind, PrometheusKind, "failureLimit", "consecutiveErrorLimit", "interval", "successCondition", "onEmpty"];

    private static readonly string[] HelmTestFields = ["timeout", "filter"];
    private static readonly string[] HttpFields =
        ["service", "url", "path", "method", "expectStatus", "bodyContains", "jsonPath", "successCondition", "timeout"];

    private static readonly string[] PrometheusFields = ["url", "service", "query", "bearerTokenSecret", "successCondition", "onEmpty", "timeout"];
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    /// <summary>
    /// Parses a <c>verify</c> document. Fields are case-sensitive and unknown ones are refused. <c>successCondition</c>
    /// and <c>onEmpty</c> may be written in the check or in its kind's block (not both). Defaults: bake 1m,
    /// interval 10s, inconclusive fail, failureLimit 0, consecutiveErrorLimit 3; helmTest timeout 5m; http path
    /// <c>/</c>, method GET, expectStatus 2xx, timeout 5s; prometheus onEmpty inconclusive, timeout 10s.
    /// </summary>
    /// <param name="yaml">The document.</param>
    /// <param name="environment">Reads an environment variable (null when unset): only to check that each
    /// <c>bearerTokenSecret</c> names one that is set; its value is neither kept nor quoted.</param>
    /// <returns>The spec, or every error found (invalid YAML is one error with its line and column).</returns>
    public static VerifySpecParseResult Parse(string yaml, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(environment);
        var reader = new Reader(environment);
        var spec = reader.Document(yaml);
        return reader.Errors.Count == 0 && spec is not null
            ? VerifySpecParseResult.Parsed(spec)
            : VerifySpecParseResult.Failed(reader.Errors);
    }

    // DNS-1035 label (a Service name), DNS-1123 label (a namespace), port number or IANA service name.
    [GeneratedRegex("^(?:(?<namespace>[^/:]*)/)?(?<name>[^/:]*):(?<port>[^/:]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ServicePattern();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex PortName();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex CheckName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    [GeneratedRegex("^!?name=[^=,\\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex FilterEntry();

    [GeneratedRegex("^[1-5]xx$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex StatusClass();

    /// <summary>One pass over one document, collecting errors.</summary>
    private sealed class Reader(Func<string, string?> environment)
    {
        private string? _check;

        public List<VerifyError> Errors { get; } = [];

        public VerifySpec? Document(string yaml)
        {
            var stream = new YamlStream();
            try
            {
                using var text = new StringReader(yaml);
                stream.Load(text);
            }
            catch (YamlException e)
            {
                Errors.Add(new VerifyError(null, "document",
                    $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {YamlMessage(e)}", (int)e.Start.Line));
                return null;
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                Error("document", "the document is empty; expected a mapping with checks (and bake, interval, inconclusive)", null);
                return null;
            }

            if (stream.Documents.Count > 1)
            {
                Error("document", "expected one YAML document, found " + stream.Documents.Count.ToString(CultureInfo.InvariantCulture), stream.Documents[1].RootNode);
                return null;
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error("document", "expected a mapping with checks (and bake, interval, inconclusive), found " + Shape(stream.Documents[0].RootNode), stream.Documents[0].RootNode);
                return null;
            }

            var fields = Fields(root, "", TopFields, kinds: false);
            var bake = Duration(fields, "bake", "bake") ?? VerifySpec.DefaultBake;
            var interval = Duration(fields, "interval", "interval") ?? VerifySpec.DefaultInterval;
            var inconclusive = Choice(fields, "inconclusive", "inconclusive", ["fail", "pass"]) switch
            {
                "pass" => InconclusivePolicy.Pass,
                _ => InconclusivePolicy.Fail,
            };
            var checks = Checks(fields, bake);
            // Only a sampled check that takes the default interval needs it to fit the bake: helm test runs once.
            if (interval > bake && (checks is null || checks.Any(c => c is not HelmTestCheck && c.Interval is null)))
            {
                Error("interval", $"interval {GoDuration.FormatCompact(interval)} is longer than bake {GoDuration.FormatCompact(bake)}; the bake must leave room for a sample", fields.GetValueOrDefault("interval") ?? fields.GetValueOrDefault("bake"));
            }

            return checks is null ? null : new VerifySpec { Bake = bake, Interval = interval, Inconclusive = inconclusive, Checks = checks };
        }

        private List<VerifyCheck>? Checks(Dictionary<string, YamlNode> fields, TimeSpan bake)
        {
            if (!fields.TryGetValue("checks", out var node))
            {
                Error("checks", "missing; a verify document needs at least one check", null);
                return null;
            }

            if (node is not YamlSequenceNode sequence)
            {
                Error("checks", (IsEmpty(node) ? "is empty" : "expected a list of checks, found " + Shape(node)) + "; a verify document needs at least one check", node);
                return null;
            }

            if (sequence.Children.Count == 0)
            {
                Error("checks", "is empty; a verify document needs at least one check", node);
                return null;
            }

            var checks = new List<VerifyCheck>();
            var named = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var check = Check(sequence.Children[i], i, bake);
                if (check is null)
                {
                    continue;
                }

                if (named.TryGetValue(check.Name, out var first))
                {
                    _check = check.Name;
                    Error("name", $"'{check.Name}' is also the name of check #{first + 1}; names must be unique", sequence.Children[i]);
                    _check = null;
                }
                else
                {
                    named[check.Name] = i;
                }

                checks.Add(check);
            }

            return checks;
        }

        private VerifyCheck? Check(YamlNode node, int index, TimeSpan bake)
        {
            _check = "#" + (index + 1).ToString(CultureInfo.InvariantCulture);
            try
            {
                if (node is not YamlMappingNode map)
                {
                    Error("check", "expected a mapping with name and one of helmTest, http or prometheus, found " + Shape(node), node);
                    return null;
                }

                // The name first, so that every error about this check names it.
                var nameNode = map.Children.FirstOrDefault(f => f.Key is YamlScalarNode { Value: "name" }).Value;
                var name = Name(nameNode, map);
                var fields = Fields(map, "", CheckFields, kinds: true);
                var kinds = Kinds.Where(fields.ContainsKey).ToList();
                var unknownKind = map.Children.Any(f => f.Key is YamlScalarNode { Value: { } key } && !CheckFields.Contains(key, StringComparer.Ordinal) && f.Value is YamlMappingNode);
                if (kinds.Count == 0 && !unknownKind)
                {
                    Error("kind", "no kind; give one of helmTest, http or prometheus", map);
                }
                else if (kinds.Count > 1)
                {
                    Error("kind", $"two kinds, {string.Join(" and ", kinds)}; a check has exactly one", fields[kinds[1]]);
                }

                var failureLimit = Count(fields, "failureLimit", "failureLimit") ?? 0;
                var errorLimit = Count(fields, "consecutiveErrorLimit", "consecutiveErrorLimit") ?? VerifyCheck.DefaultConsecutiveErrorLimit;
                var interval = Duration(fields, "interval", "interval");
                if (interval is { } own && own > bake)
                {
                    Error("interval", $"interval {GoDuration.FormatCompact(own)} is longer than bake {GoDuration.FormatCompact(bake)}; the bake must leave room for a sample", fields["interval"]);
                }

                var checks = new List<VerifyCheck?>();
                foreach (var kind in kinds)
                {
                    checks.Add(kind switch
                    {
                        HelmTestKind => HelmTest(fields),
                        HttpKind => Http(fields),
                        _ => Prometheus(fields),
                    });
                }

                if (checks is not [{ } check] || name is null)
                {
                    return null;
                }

                return check with { Name = name, FailureLimit = failureLimit, ConsecutiveErrorLimit = errorLimit, Interval = interval };
            }
            finally
            {
                _check = null;
            }
        }

        private string? Name(YamlNode? node, YamlNode map)
        {
            if (node is null)
            {
                Error("name", "missing; every check needs a name (reports and the failed-check output use it)", map);
                return null;
            }

            var name = Scalar(node, "name");
            if (name is null)
            {
                return null;
            }

            _check = name.Length is > 0 and <= 63 && !name.Any(char.IsControl) ? name : _check;
            if (!CheckName().IsMatch(name))
            {
                Error("name", $"'{Quote(name)}' is not a check name; use letters, digits, '-', '_' and '.' (at most 63), starting and ending with a letter or digit", node);
                return null;
            }

            return name;
        }

        private HelmTestCheck? HelmTest(Dictionary<string, YamlNode> check)
        {
            foreach (var (field, why) in new[] { ("failureLimit", "helmTest runs once, so one failed run fails it; failureLimit does not apply"), ("interval", "helmTest runs once at the start of the bake; it takes no interval") })
            {
                if (check.TryGetValue(field, out var node))
                {
                    Error(field, why, node);
                }
            }

            RefuseAtCheckLevel(check, HelmTestKind, "successCondition", "onEmpty");
            var fields = KindFields(check, HelmTestKind, HelmTestFields);
            if (fields is null)
            {
                return null;
            }

            var timeout = Duration(fields, "timeout", "helmTest.timeout") ?? HelmTestCheck.DefaultTimeout;
            var filter = new List<string>();
            foreach (var (entry, node) in Scalars(fields, "filter", "helmTest.filter"))
            {
                foreach (var part in entry.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (FilterEntry().IsMatch(part))
                    {
                        filter.Add(part);
                    }
                    else
                    {
                        Error("helmTest.filter", $"'{Quote(part)}' is not a test filter; expected name=TEST or !name=TEST", node);
                    }
                }
            }

            return new HelmTestCheck { Name = "", Timeout = timeout, Filter = filter };
        }

        private HttpCheck? Http(Dictionary<string, YamlNode> check)
        {
            RefuseAtCheckLevel(check, HttpKind, "onEmpty");
            var fields = KindFields(check, HttpKind, HttpFields);
            if (fields is null)
            {
                return null;
            }

            var (service, url) = Target(fields, HttpKind);
            string path = "/";
            if (fields.TryGetValue("path", out var pathNode) && Scalar(pathNode, "http.path") is { } pathText)
            {
                if (fields.ContainsKey("url"))
                {
                    Error("http.path", "path goes with service; a url carries its own path", pathNode);
                }
                else if (!pathText.StartsWith('/') || pathText.Any(c => char.IsControl(c) || c == ' '))
                {
                    Error("http.path", $"'{Quote(pathText)}' is not a path; it starts with / and has no spaces, e.g. /healthz", pathNode);
                }
                else
                {
                    path = pathText;
                }
            }

            var method = "GET";
            if (fields.TryGetValue("method", out var methodNode) && Scalar(methodNode, "http.method") is { } methodText)
            {
                method = methodText.ToUpperInvariant();
                if (!Methods.Contains(method, StringComparer.Ordinal))
                {
                    Error("http.method", $"'{Quote(methodText)}' is not a method; expected one of {string.Join(", ", Methods)}", methodNode);
                }
            }

            var statuses = new List<ExpectedStatus>();
            if (fields.TryGetValue("expectStatus", out var statusNode))
            {
                var entries = Scalars(fields, "expectStatus", "http.expectStatus");
                if (entries.Count == 0 && statusNode is YamlSequenceNode)
                {
                    Error("http.expectStatus", "is empty; give at least one status, e.g. [200] or [2xx]", statusNode);
                }

                foreach (var (entry, node) in entries)
                {
                    if (int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
                    {
                        statuses.Add(new ExpectedStatus(code, code));
                    }
                    else if (StatusClass().IsMatch(entry))
                    {
                        var low = (entry[0] - '0') * 100;
                        statuses.Add(new ExpectedStatus(low, low + 99));
                    }
                    else
                    {
                        Error("http.expectStatus", $"'{Quote(entry)}' is not an HTTP status; expected a code from 100 to 599 or a class such as 2xx", node);
                    }
                }
            }

            string? body = null;
            if (fields.TryGetValue("bodyContains", out var bodyNode) && Scalar(bodyNode, "http.bodyContains") is { } bodyText)
            {
                if (bodyText.Length == 0)
                {
                    Error("http.bodyContains", "is empty; every body contains the empty text", bodyNode);
                }
                else if (method == "HEAD")
                {
                    Error("http.bodyContains", "a HEAD answer has no body; use GET", bodyNode);
                }

                body = bodyText;
            }

            string? jsonPath = null;
            if (fields.TryGetValue("jsonPath", out var jsonNode) && Scalar(jsonNode, "http.jsonPath") is { } jsonText)
            {
                if (JsonPathSyntax.Steps(jsonText) is null)
                {
                    Error("http.jsonPath", $"'{Quote(jsonText)}' is not a JSON path; expected $ followed by .name, ['name'] or [index] steps, e.g. $.status or $.checks[0].latency", jsonNode);
                }

                jsonPath = jsonText;
            }

            var (condition, conditionNode, conditionField) = SuccessCondition(check, fields, HttpKind);
            if (condition is not null && (condition.Variables & ConditionVariables.Baseline) != 0)
            {
                Error(conditionField, "an http check has no baseline (only prometheus checks do); compare result with a number", conditionNode);
            }

            if (jsonNode is not null && conditionNode is null)
            {
                Error("http.jsonPath", "needs a successCondition on the number it selects, e.g. result < 0.5", jsonNode);
            }
            else if (jsonNode is null && conditionNode is not null)
            {
                Error(conditionField, "needs a jsonPath to say which number of the JSON body it judges as result", conditionNode);
            }

            var timeout = Duration(fields, "timeout", "http.timeout") ?? HttpCheck.DefaultTimeout;
            return new HttpCheck
            {
                Name = "",
                Service = service,
                Url = url,
                Path = path,
                Method = method,
                ExpectStatus = statuses.Count == 0 ? [ExpectedStatus.Success] : statuses,
                BodyContains = body,
                JsonPath = jsonPath,
                SuccessCondition = condition,
                Timeout = timeout,
            };
        }

        private PrometheusCheck? Prometheus(Dictionary<string, YamlNode> check)
        {
            var fields = KindFields(check, PrometheusKind, PrometheusFields);
            if (fields is null)
            {
                return null;
            }

            var (service, url) = Target(fields, PrometheusKind);
            string? query = null;
            if (!fields.TryGetValue("query", out var queryNode))
            {
                Error("prometheus.query", "missing; give the PromQL query whose single sample is result", check[PrometheusKind]);
            }
            else if (Scalar(queryNode, "prometheus.query") is { } queryText)
            {
                if (string.IsNullOrWhiteSpace(queryText))
                {
                    Error("prometheus.query", "is empty; give the PromQL query whose single sample is result", queryNode);
                }

                query = queryText;
            }

            string? token = null;
            if (fields.TryGetValue("bearerTokenSecret", out var tokenNode) && Scalar(tokenNode, "prometheus.bearerTokenSecret") is { } tokenName)
            {
                if (!VariableName().IsMatch(tokenName))
                {
                    Error("prometheus.bearerTokenSecret", $"'{Quote(tokenName)}' is not an environment variable name; give the name of the variable that holds the token, e.g. PROM_TOKEN", tokenNode);
                }
                else if (string.IsNullOrEmpty(environment(tokenName)))
                {
                    Error("prometheus.bearerTokenSecret", $"the environment variable {tokenName} is not set (or is empty); set it to the token, e.g. from a secret", tokenNode);
                }
                else if (fields.ContainsKey("service"))
                {
                    Error("prometheus.bearerTokenSecret", "goes with url: through the API server's proxy the request carries the cluster's credentials, and the proxy does not pass a token on", tokenNode);
                }

                token = tokenName;
            }

            var (condition, conditionNode, _) = SuccessCondition(check, fields, PrometheusKind);
            if (conditionNode is null)
            {
                Error("prometheus.successCondition", "missing; give the condition each sample must meet, e.g. result < 0.01", check[PrometheusKind]);
            }

            var onEmptyField = TakeFromEither(check, fields, PrometheusKind, "onEmpty", out var onEmptyFields);
            var onEmpty = Choice(onEmptyFields, "onEmpty", onEmptyField, ["inconclusive", "fail", "pass"]) switch
            {
                "fail" => EmptyResultPolicy.Fail,
                "pass" => EmptyResultPolicy.Pass,
                _ => EmptyResultPolicy.Inconclusive,
            };
            var timeout = Duration(fields, "timeout", "prometheus.timeout") ?? PrometheusCheck.DefaultTimeout;
            return query is null || condition is null
                ? null
                : new PrometheusCheck
                {
                    Name = "",
                    Url = url,
                    Service = service,
                    Query = query,
                    BearerTokenSecret = token,
                    SuccessCondition = condition,
                    OnEmpty = onEmpty,
                    Timeout = timeout,
                };
        }

        /// <summary>The service or url of a kind's block: exactly one of them.</summary>
        private (ServiceReference? Service, Uri? Url) Target(Dictionary<string, YamlNode> fields, string kind)
        {
            var hasService = fields.TryGetValue("service", out var serviceNode);
            var hasUrl = fields.TryGetValue("url", out var urlNode);
            if (hasService && hasUrl)
            {
                Error(kind + ".url", "give service or url, not both", urlNode);
            }
            else if (!hasService && !hasUrl)
            {
                Error(kind, "no target; give service (name:port, through the API server's proxy) or url (http or https)", null);
            }

            var service = serviceNode is null ? null : Service(serviceNode, kind + ".service");
            var url = urlNode is null ? null : Url(urlNode, kind + ".url");
            return (service, url);
        }

        private ServiceReference? Service(YamlNode node, string field)
        {
            if (Scalar(node, field) is not { } text)
            {
                return null;
            }

            var match = ServicePattern().Match(text);
            if (!match.Success)
            {
                Error(field, text.Contains(':', StringComparison.Ordinal)
                    ? $"'{Quote(text)}' is not a service; write name:port or namespace/name:port, e.g. web:http or monitoring/prometheus:9090"
                    : $"'{Quote(text)}' has no port; write name:port, e.g. {Quote(text)}:http or {Quote(text)}:8080", node);
                return null;
            }

            var ns = match.Groups["namespace"].Success ? match.Groups["namespace"].Value : null;
            var name = match.Groups["name"].Value;
            var port = match.Groups["port"].Value;
            var ok = true;
            if (ns is not null && (ns.Length > 63 || !Dns1123Label().IsMatch(ns)))
            {
                Error(field, $"'{Quote(ns)}' is not a namespace (lower-case letters, digits and '-', at most 63)", node);
                ok = false;
            }

            if (name.Length > 63 || !Dns1035Label().IsMatch(name))
            {
                Error(field, $"'{Quote(name)}' is not a Service name (lower-case letters, digits and '-', starting with a letter, at most 63)", node);
                ok = false;
            }

            if (port.Length == 0)
            {
                Error(field, $"'{Quote(text)}' has no port; write name:port, e.g. {Quote(name)}:http or {Quote(name)}:8080", node);
                ok = false;
            }
            else if (port.All(char.IsAsciiDigit))
            {
                if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
                {
                    Error(field, $"port {port} is out of range; a port number is 1 to 65535", node);
                    ok = false;
                }
            }
            else if (port.Length > 15 || !PortName().IsMatch(port) || port.Contains("--", StringComparison.Ordinal))
            {
                Error(field, $"'{Quote(port)}' is not a port; give its number or its name (lower-case letters, digits and '-', at most 15)", node);
                ok = false;
            }

            return ok ? new ServiceReference(ns, name, port) : null;
        }

        private Uri? Url(YamlNode node, string field)
        {
            if (Scalar(node, field) is not { } text)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host) || !text.Contains("://", StringComparison.Ordinal))
            {
                Error(field, $"'{Quote(text)}' is not an http or https URL; write e.g. https://staging.example/healthz", node);
                return null;
            }

            if (uri.UserInfo.Length > 0)
            {
                Error(field, "the URL holds a user name or password, which would be printed in logs; use bearerTokenSecret or a URL without credentials", node);
                return null;
            }

            return uri;
        }

        /// <summary>The successCondition of a check, written in the check or in its kind's block (not both).</summary>
        private (Condition? Condition, YamlNode? Node, string Field) SuccessCondition(Dictionary<string, YamlNode> check, Dictionary<string, YamlNode> kindFields, string kind)
        {
            var field = TakeFromEither(check, kindFields, kind, "successCondition", out var fields);
            if (!fields.TryGetValue("successCondition", out var node) || Scalar(node, field) is not { } text)
            {
                return (null, fields.GetValueOrDefault("successCondition"), field);
            }

            var parsed = Condition.Parse(text);
            if (!parsed.Succeeded)
            {
                Error(field, $"'{Quote(text)}' does not parse: at column {parsed.Error.Column}, {parsed.Error.Message}", node);
                return (null, node, field);
            }

            if ((parsed.Condition.Variables & ConditionVariables.Result) == 0)
            {
                Error(field, $"'{Quote(text)}' never reads result, so it is always true or always false", node);
                return (null, node, field);
            }

            return (parsed.Condition, node, field);
        }

        /// <summary>Which of the check's fields and its kind's fields holds <paramref name="name"/>; an error when both do.</summary>
        private string TakeFromEither(Dictionary<string, YamlNode> check, Dictionary<string, YamlNode> kindFields, string kind, string name, out Dictionary<string, YamlNode> fields)
        {
            var inKind = kindFields.ContainsKey(name);
            if (inKind && check.TryGetValue(name, out var twice))
            {
                Error(name, $"is given twice, in the check and in {kind}; keep one", twice);
            }

            fields = inKind ? kindFields : check;
            return inKind ? kind + "." + name : name;
        }

        private void RefuseAtCheckLevel(Dictionary<string, YamlNode> check, string kind, params string[] names)
        {
            foreach (var name in names)
            {
                if (check.TryGetValue(name, out var node))
                {
                    Error(name, name == "onEmpty"
                        ? $"applies to prometheus checks only, not to {kind}"
                        : $"a {kind} check takes no {name}", node);
                }
            }
        }

        /// <summary>The fields of a kind's block; an empty value (<c>helmTest: {}</c> or nothing) has none.</summary>
        private Dictionary<string, YamlNode>? KindFields(Dictionary<string, YamlNode> check, string kind, string[] allowed)
        {
            var node = check[kind];
            if (IsEmpty(node))
            {
                return [];
            }

            if (node is not YamlMappingNode map)
            {
                Error(kind, $"expected a mapping of {string.Join(", ", allowed)}, found " + Shape(node), node);
                return null;
            }

            return Fields(map, kind + ".", allowed, kinds: false);
        }

        /// <summary>The mapping's fields by name; unknown and repeated names are errors (a mapping value under an unknown name in a check is an unknown kind).</summary>
        private Dictionary<string, YamlNode> Fields(YamlMappingNode map, string prefix, string[] allowed, bool kinds)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    Error(prefix + "(key)", "a field name must be text, found " + Shape(keyNode), keyNode);
                    continue;
                }

                if (!allowed.Contains(key, StringComparer.Ordinal))
                {
                    var close = allowed.FirstOrDefault(a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase));
                    Error(prefix + Quote(key), kinds && value is YamlMappingNode
                        ? $"unknown kind '{Quote(key)}'; expected one of helmTest, http or prometheus"
                        : close is not null
                            ? $"unknown field '{Quote(key)}'; field names are case-sensitive: {close}"
                            : $"unknown field '{Quote(key)}'; expected {Expected(allowed)}", keyNode);
                    continue;
                }

                fields[key] = value;
            }

            return fields;
        }

        private static string Expected(string[] allowed) => string.Join(", ", allowed[..^1]) + " or " + allowed[^1];

        private string? Scalar(YamlNode node, string field)
        {
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value ?? "";
            }

            Error(field, "expected a single value, found " + Shape(node), node);
            return null;
        }

        /// <summary>A value that is one scalar or a list of scalars.</summary>
        private List<(string Text, YamlNode Node)> Scalars(Dictionary<string, YamlNode> fields, string name, string field)
        {
            var list = new List<(string, YamlNode)>();
            if (!fields.TryGetValue(name, out var node))
            {
                return list;
            }

            foreach (var item in node is YamlSequenceNode sequence ? sequence.Children : [node])
            {
                if (item is YamlScalarNode { Value: { } text })
                {
                    list.Add((text, item));
                }
                else
                {
                    Error(field, "expected a value or a list of values, found " + Shape(item), item);
                }
            }

            return list;
        }

        private TimeSpan? Duration(Dictionary<string, YamlNode> fields, string name, string field)
        {
            if (!fields.TryGetValue(name, out var node) || Scalar(node, field) is not { } text)
            {
                return null;
            }

            if (GoDuration.TryParse(text, out var value))
            {
                return value;
            }

            Error(field, text.Trim().Length > 0 && text.Trim().All(c => char.IsAsciiDigit(c) || c == '.')
                ? $"'{Quote(text)}' has no unit; write e.g. {Quote(text.Trim())}s"
                : $"'{Quote(text)}' is not a positive duration; expected e.g. 30s, 5m or 1h30m", node);
            return null;
        }

        private int? Count(Dictionary<string, YamlNode> fields, string name, string field)
        {
            if (!fields.TryGetValue(name, out var node) || Scalar(node, field) is not { } text)
            {
                return null;
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Error(field, $"'{Quote(text)}' is not a whole number", node);
                return null;
            }

            if (value < 0)
            {
                Error(field, $"{value.ToString(CultureInfo.InvariantCulture)} is negative; give 0 or more", node);
                return null;
            }

            return value;
        }

        private string Choice(Dictionary<string, YamlNode> fields, string name, string field, string[] choices)
        {
            if (!fields.TryGetValue(name, out var node) || Scalar(node, field) is not { } text)
            {
                return choices[0];
            }

            var choice = choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
            if (choice is null)
            {
                Error(field, $"'{Quote(text)}' is not one of {Expected(choices)}", node);
                return choices[0];
            }

            return choice;
        }

        private void Error(string field, string message, YamlNode? node) =>
            Errors.Add(new VerifyError(_check, field, message, node is null || node.Start.Line <= 0 ? null : (int)node.Start.Line));

        private static bool IsEmpty(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" };

        private static string Shape(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode s => $"'{Quote(s.Value ?? "")}'",
            _ => "something else",
        };

        /// <summary>A value as errors quote it: on one line and at most 80 characters, control characters shown as <c>\uXXXX</c>.</summary>
        private static string Quote(string text)
        {
            var escaped = string.Concat(text.Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString()));
            return TextFormat.Cut(escaped, 80, "…");
        }

        private static string YamlMessage(YamlException e)
        {
            // YamlDotNet prefixes its message with "(Line: l, Col: c, Idx: i) - (Line: …): "; the position is given separately.
            var message = e.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            return (cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message).Trim();
        }
    }
}
