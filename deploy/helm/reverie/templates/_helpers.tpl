{{- define "reverie.fullname" -}}
{{- if contains "reverie" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-reverie" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "reverie.selectorLabels" -}}
app.kubernetes.io/name: reverie
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object; pass (dict "root" $ "component" "…"). */}}
{{- define "reverie.labels" -}}
{{ include "reverie.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: reverie
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "reverie.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "reverie.natsName" -}}{{ include "reverie.fullname" . }}-nats{{- end -}}
{{- define "reverie.natsHeadless" -}}{{ include "reverie.fullname" . }}-nats-headless{{- end -}}
{{- define "reverie.natsUrl" -}}tls://{{ include "reverie.natsName" . }}:4222{{- end -}}

{{- define "reverie.appSecret" -}}{{ .Values.secrets.existingSecret | default (printf "%s-app" (include "reverie.fullname" .)) }}{{- end -}}
{{- define "reverie.databaseSecret" -}}{{ .Values.postgres.existingSecret | default (printf "%s-database" (include "reverie.fullname" .)) }}{{- end -}}
{{- define "reverie.natsAuthSecret" -}}{{ .Values.nats.auth.existingSecret | default (printf "%s-nats-auth" (include "reverie.fullname" .)) }}{{- end -}}
{{- define "reverie.natsTlsSecret" -}}{{ .Values.nats.tls.existingSecret | default (printf "%s-nats-tls" (include "reverie.fullname" .)) }}{{- end -}}

{{/* Each service's user in deploy/nats/nats-server.conf. */}}
{{- define "reverie.natsUser" -}}
{{- get (dict "session-ingest" "ingest" "dreaming" "dreaming" "lesson-governance" "governance" "agent-serving" "serving" "setup" "admin") . -}}
{{- end -}}

{{/* Pod and container security: non-root (the image's `node` user, uid 1000), read-only root. */}}
{{- define "reverie.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "reverie.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* What a Reverie process needs to reach NATS and Postgres; pass (dict "root" $ "user" "…"). */}}
{{- define "reverie.connectionEnv" -}}
- name: NATS_URL
  value: {{ include "reverie.natsUrl" .root | quote }}
- name: NATS_USER
  value: {{ .user | quote }}
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "reverie.natsAuthSecret" .root }}
      key: {{ printf "REVERIE_NATS_%s_PASSWORD" (upper .user) }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "reverie.databaseSecret" .root }}
      key: {{ .root.Values.postgres.existingSecretKey }}
{{- end -}}

{{/* Plain (non-secret) variables from a map, sorted by name; a secret's name is refused. */}}
{{- define "reverie.plainEnv" -}}
{{- range $name, $value := . }}
{{- if regexMatch "PASSWORD|SECRET|TOKEN|CREDS|_KEY$|_KEYS$|^DATABASE_URL$" $name }}
{{- fail (printf "%s looks like a secret: give it through `secrets` or `postgres`, not as plain env" $name) }}
{{- end }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "reverie.natsCaVolume" -}}
- name: nats-ca
  secret:
    secretName: {{ include "reverie.natsTlsSecret" . }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end -}}

{{/* Egress of a Reverie process: NATS clients' port, Postgres, DNS. */}}
{{- define "reverie.backendEgress" -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "reverie.selectorLabels" . | nindent 10 }}
          app.kubernetes.io/component: nats
  ports:
    - { port: 4222, protocol: TCP }
- ports:
    - { port: {{ .Values.postgres.port }}, protocol: TCP }
  {{- with .Values.postgres.networkPolicyPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
- to:
    {{- toYaml .Values.networkPolicy.dnsPeers | nindent 4 }}
  ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- end -}}
