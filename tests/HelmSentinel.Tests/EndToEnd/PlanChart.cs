namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The chart the plan scenarios deploy, written to a temporary folder: a ConfigMap, a Secret whose token is random on
/// install and kept by <c>lookup</c> afterwards (the chart pattern a client-side render would always show as changed), a
/// Deployment and a Service, plus objects the values switch on to break one preflight check each.
/// </summary>
internal sealed class PlanChart : IDisposable
{
    public PlanChart(int blobBytes = 0)
    {
        Directory.CreateDirectory(Path.Combine(Root, "templates"));
        File.WriteAllText(Path.Combine(Root, "Chart.yaml"), "apiVersion: v2\nname: plan-app\nversion: 0.1.0\nappVersion: \"1.0.0\"\n");
        File.WriteAllText(Path.Combine(Root, "values.yaml"), """
            replicas: 1
            image: nginx:1.25.0
            greeting: hello
            password: first-password-value
            selector: ""
            configMapRef: ""
            extra: false
            pdb: false
            blob: false
            job: false
            storageClass: ""

            """);
        File.WriteAllText(Path.Combine(Root, "templates", "config.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-config
            data:
              greeting: {{ .Values.greeting | quote }}
            {{- if .Values.extra }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-extra
            data:
              a: "1"
            {{- end }}
            {{- if .Values.pdb }}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: {{ .Release.Name }}
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  app: {{ .Release.Name }}
            {{- end }}
            {{- if .Values.job }}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {{ .Release.Name }}-once
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: once
                      image: sim.local/complete
            {{- end }}
            {{- if .Values.storageClass }}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: {{ .Release.Name }}-data
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: {{ .Values.storageClass }}
              resources:
                requests:
                  storage: 1Gi
            {{- end }}
            {{- if .Values.blob }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-blob
            data:
              blob.txt: {{ .Files.Get "files/blob.txt" | quote }}
            {{- end }}

            """);
        File.WriteAllText(Path.Combine(Root, "templates", "secret.yaml"), """
            {{- $existing := lookup "v1" "Secret" .Release.Namespace (printf "%s-creds" .Release.Name) }}
            apiVersion: v1
            kind: Secret
            metadata:
              name: {{ .Release.Name }}-creds
            type: Opaque
            data:
              password: {{ .Values.password | b64enc }}
              token: {{ if $existing }}{{ index $existing.data "token" }}{{ else }}{{ randAlphaNum 24 | b64enc }}{{ end }}

            """);
        File.WriteAllText(Path.Combine(Root, "templates", "app.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
            spec:
              replicas: {{ .Values.replicas }}
              selector:
                matchLabels:
                  app: {{ .Values.selector | default .Release.Name }}
              template:
                metadata:
                  labels:
                    app: {{ .Values.selector | default .Release.Name }}
                spec:
                  containers:
                    - name: app
                      image: {{ .Values.image }}
                      ports:
                        - containerPort: 80
                      {{- if .Values.configMapRef }}
                      envFrom:
                        - configMapRef:
                            name: {{ .Values.configMapRef }}
                      {{- end }}
                      env:
                        - name: PASSWORD
                          valueFrom:
                            secretKeyRef:
                              name: {{ .Release.Name }}-creds
                              key: password
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {{ .Release.Name }}
            spec:
              selector:
                app: {{ .Release.Name }}
              ports:
                - port: 80

            """);
        if (blobBytes > 0)
        {
            // Random base64 hardly compresses: the release record grows with it.
            Directory.CreateDirectory(Path.Combine(Root, "files"));
            var random = new Random(7);
            var bytes = new byte[blobBytes * 3 / 4];
            random.NextBytes(bytes);
            File.WriteAllText(Path.Combine(Root, "files", "blob.txt"), Convert.ToBase64String(bytes));
        }
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "plan-chart-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: the next boot clears it.
        }
    }
}
