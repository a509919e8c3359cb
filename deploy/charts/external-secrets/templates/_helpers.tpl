{{- define "external-secrets.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "external-secrets.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "external-secrets.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride }}
{{- end }}

{{- define "external-secrets.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "external-secrets.labels" -}}
helm.sh/chart: {{ include "external-secrets.chart" . }}
{{ include "external-secrets.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "external-secrets.selectorLabels" -}}
app.kubernetes.io/name: {{ include "external-secrets.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "external-secrets-webhook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "external-secrets.name" . }}-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "external-secrets-cert-controller.selectorLabels" -}}
app.kubernetes.io/name: {{ include "external-secrets.name" . }}-cert-controller
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "external-secrets.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "external-secrets.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "external-secrets-webhook.serviceAccountName" -}}
{{- if .Values.webhook.serviceAccount.create }}
{{- default (printf "%s-webhook" (include "external-secrets.fullname" .)) .Values.webhook.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.webhook.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "external-secrets-cert-controller.serviceAccountName" -}}
{{- if .Values.certController.serviceAccount.create }}
{{- default (printf "%s-cert-controller" (include "external-secrets.fullname" .)) .Values.certController.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.certController.serviceAccount.name }}
{{- end }}
{{- end }}

{{- /* image: pass (dict "image" .Values.x.image "root" .); global.repository, when set, is every component's
repository (as upstream); otherwise an empty repository falls back to .Values.image. */ -}}
{{- define "external-secrets.image" -}}
{{- $repo := .root.Values.global.repository | default .image.repository | default .root.Values.image.repository -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{- /* extraArgs: a map renders as --key=value (upstream's form); a list renders each flag as given. */ -}}
{{- define "external-secrets.extraArgs" -}}
{{- if kindIs "slice" . }}
{{- range . }}
- {{ . | quote }}
{{- end }}
{{- else }}
{{- range $key, $value := . }}
{{- if eq (toString $value) "" }}
- {{ printf "--%s" $key | quote }}
{{- else }}
- {{ printf "--%s=%v" $key $value | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- /*
securityContext blocks carry an `enabled` switch that is not a Kubernetes field. Pass (dict "sc" .Values.x "root" .).
On OpenShift (global.compatibility.openshift.adaptSecurityContext: force, or auto when the cluster serves
security.openshift.io/v1) the fields its SecurityContextConstraints assign are left out, as upstream does.
*/ -}}
{{- define "external-secrets.securityContext" -}}
{{- if .sc.enabled }}
{{- $sc := omit .sc "enabled" }}
{{- if eq (include "external-secrets.adaptToOpenShift" .root) "true" }}
{{- $sc = omit $sc "runAsUser" "runAsGroup" "fsGroup" "seccompProfile" }}
{{- end }}
{{- toYaml $sc }}
{{- end }}
{{- end }}

{{- define "external-secrets.adaptToOpenShift" -}}
{{- $mode := .Values.global.compatibility.openshift.adaptSecurityContext | default "auto" }}
{{- if not (has $mode (list "auto" "force" "disabled")) }}
{{- fail (printf "global.compatibility.openshift.adaptSecurityContext must be auto, force or disabled, not %q" $mode) }}
{{- end }}
{{- or (eq $mode "force") (and (eq $mode "auto") (.Capabilities.APIVersions.Has "security.openshift.io/v1")) }}
{{- end }}

{{- /* Pod-spec fields every Deployment shares: pass (dict "v" .Values.<component> "root" .). */ -}}
{{- define "external-secrets.podCommon" -}}
{{- if .v.hostNetwork }}
hostNetwork: true
{{- end }}
{{- with (.v.topologySpreadConstraints | default .root.Values.global.topologySpreadConstraints) }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (concat (.v.imagePullSecrets | default list) .root.Values.global.imagePullSecrets) }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .v.extraInitContainers }}
initContainers:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "external-secrets.webhookServiceName" -}}
{{- printf "%s-webhook" (include "external-secrets.fullname" .) }}
{{- end }}

{{- define "external-secrets.webhookSecretName" -}}
{{- printf "%s-webhook" (include "external-secrets.fullname" .) }}
{{- end }}

{{- /* service.ipFamilyPolicy / service.ipFamilies (dual-stack) for every Service of the chart. */ -}}
{{- define "external-secrets.ipFamilies" -}}
{{- with .Values.service.ipFamilyPolicy }}
ipFamilyPolicy: {{ . }}
{{- end }}
{{- with .Values.service.ipFamilies }}
ipFamilies:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- /*
serviceMonitor.renderMode, as upstream: alwaysRender, skipIfMissing (only when the cluster serves
monitoring.coreos.com/v1 ServiceMonitor) or failIfMissing.
*/ -}}
{{- define "external-secrets.renderServiceMonitors" -}}
{{- $mode := .Values.serviceMonitor.renderMode | default "alwaysRender" }}
{{- $present := .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }}
{{- if not (has $mode (list "alwaysRender" "skipIfMissing" "failIfMissing")) }}
{{- fail (printf "serviceMonitor.renderMode must be alwaysRender, skipIfMissing or failIfMissing, not %q" $mode) }}
{{- end }}
{{- if and .Values.serviceMonitor.enabled (eq $mode "failIfMissing") (not $present) }}
{{- fail "serviceMonitor.enabled with renderMode failIfMissing: the cluster does not serve monitoring.coreos.com/v1 ServiceMonitor" }}
{{- end }}
{{- and .Values.serviceMonitor.enabled (or (eq $mode "alwaysRender") $present) }}
{{- end }}

{{- /* The built-in cert controller runs unless cert-manager issues the webhook's certificate. */ -}}
{{- define "external-secrets.certControllerEnabled" -}}
{{- and .Values.webhook.create .Values.certController.create (not .Values.webhook.certManager.enabled) }}
{{- end }}

{{- /* cert-manager's CA injector annotation for the webhook configuration and converting CRDs. */ -}}
{{- define "external-secrets.injectCAFrom" -}}
{{- if and .Values.webhook.certManager.enabled .Values.webhook.certManager.addInjectorAnnotations -}}
{{- printf "%s/%s" (include "external-secrets.namespace" .) (include "external-secrets.webhookSecretName" .) -}}
{{- end -}}
{{- end }}

{{/*
The generator kinds' resource plurals, read from the bundled CRDs so a new generator kind needs no chart edit.
Namespaced kinds only (ClusterGenerator is listed where a rule allows it); GeneratorState is the controller's own.
*/}}
{{- define "external-secrets.generatorResources" -}}
{{- range $path, $_ := .Files.Glob "files/crds/*.generators.external-secrets.io.yaml" }}
{{- $crd := fromYaml ($.Files.Get $path) }}
{{- if and (eq $crd.spec.scope "Namespaced") (ne $crd.spec.names.plural "generatorstates") }}
- {{ $crd.spec.names.plural }}
{{- end }}
{{- end }}
{{- end }}
