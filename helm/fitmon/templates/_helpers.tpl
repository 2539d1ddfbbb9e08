{{- define "fitmon.fullname" -}}
{{- if contains "fitmon" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-fitmon" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fitmon.labels" -}}
app.kubernetes.io/part-of: fitmon
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* selector labels of one component: (dict "root" . "component" "broker") */}}
{{- define "fitmon.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* n = 3f+1 */}}
{{- define "fitmon.n" -}}
{{- $f := int .Values.f -}}
{{- if lt $f 1 -}}{{- fail "f must be at least 1" -}}{{- end -}}
{{- add (mul 3 $f) 1 -}}
{{- end -}}

{{- define "fitmon.broker.name" -}}{{ include "fitmon.fullname" . }}-broker{{- end -}}
{{- define "fitmon.broker.headless" -}}{{ include "fitmon.fullname" . }}-broker-headless{{- end -}}

{{/* the stable DNS name of broker pod i: (dict "root" . "i" 0) */}}
{{- define "fitmon.broker.host" -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "fitmon.broker.name" .root) (int .i) (include "fitmon.broker.headless" .root) .root.Release.Namespace .root.Values.clusterDomain -}}
{{- end -}}

{{/* the one ordered peer table every replica and the gateway get: host:peerPort, by replica id */}}
{{- define "fitmon.peers" -}}
{{- $root := . -}}
{{- $peers := list -}}
{{- range $i := until (int (include "fitmon.n" $root)) -}}
{{- $peers = append $peers (printf "%s:%d" (include "fitmon.broker.host" (dict "root" $root "i" $i)) (int $root.Values.broker.peerPort)) -}}
{{- end -}}
{{- join "," $peers -}}
{{- end -}}

{{- define "fitmon.replicaUrls" -}}
{{- $root := . -}}
{{- $urls := list -}}
{{- range $i := until (int (include "fitmon.n" $root)) -}}
{{- $urls = append $urls (printf "http://%s:%d" (include "fitmon.broker.host" (dict "root" $root "i" $i)) (int $root.Values.broker.httpPort)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{- define "fitmon.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image $tag -}}
{{- else -}}
{{- printf "%s:%s" .image $tag -}}
{{- end -}}
{{- end -}}

{{- define "fitmon.replicaKeysSecret" -}}{{ default (printf "%s-replica-keys" (include "fitmon.fullname" .)) .Values.secrets.replicaKeys.existingSecret }}{{- end -}}
{{- define "fitmon.caSecret" -}}{{ default (printf "%s-ca" (include "fitmon.fullname" .)) .Values.secrets.ca.existingSecret }}{{- end -}}
{{- define "fitmon.registrySecret" -}}{{ default (printf "%s-registry" (include "fitmon.fullname" .)) .Values.secrets.registry.existingSecret }}{{- end -}}
{{- define "fitmon.postgresSecret" -}}{{ default (printf "%s-postgresql" (include "fitmon.fullname" .)) .Values.postgresql.existingSecret }}{{- end -}}

{{/* liveness, readiness and startup probes on a named port: (dict "root" . "port" "http") */}}
{{- define "fitmon.probes" -}}
startupProbe:
  httpGet: {path: {{ .root.Values.probes.liveness.path }}, port: {{ .port }}}
  periodSeconds: {{ .root.Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .root.Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet: {path: {{ .root.Values.probes.liveness.path }}, port: {{ .port }}}
  periodSeconds: {{ .root.Values.probes.liveness.periodSeconds }}
  failureThreshold: {{ .root.Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet: {path: {{ .root.Values.probes.readiness.path }}, port: {{ .port }}}
  initialDelaySeconds: {{ .root.Values.probes.readiness.initialDelaySeconds }}
  periodSeconds: {{ .root.Values.probes.readiness.periodSeconds }}
  failureThreshold: {{ .root.Values.probes.readiness.failureThreshold }}
{{- end -}}
