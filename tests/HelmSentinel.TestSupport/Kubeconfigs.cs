namespace HelmSentinel.TestSupport;

/// <summary>Kubeconfig texts for tests that need a cluster that is not there.</summary>
public static class Kubeconfigs
{
    /// <summary>Points at https://127.0.0.1:1, where every connection is refused at once.</summary>
    public const string Refused = """
        apiVersion: v1
        kind: Config
        clusters:
          - name: refused
            cluster:
              server: https://127.0.0.1:1
              insecure-skip-tls-verify: true
        users:
          - name: nobody
            user:
              token: not-a-real-token
        contexts:
          - name: refused
            context:
              cluster: refused
              user: nobody
              namespace: default
        current-context: refused
        """;
}
