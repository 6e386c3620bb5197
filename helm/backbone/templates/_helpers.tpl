{{/*
Helpers of the Backbone chart. Names follow Bitnami's: backbone.<what>.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "backbone.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The objects' base name: release-chart, or the release alone when it already holds the chart's name. */}}
{{- define "backbone.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "backbone.headlessServiceName" -}}
{{- printf "%s-headless" (include "backbone.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "backbone.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the broker's pods; never changed after install, since a StatefulSet's selector is fixed. */}}
{{- define "backbone.selectorLabels" -}}
app.kubernetes.io/name: {{ include "backbone.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: broker
{{- end -}}

{{- define "backbone.labels" -}}
{{ include "backbone.selectorLabels" . }}
helm.sh/chart: {{ include "backbone.chart" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: backbone
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations for every object, with extra ones given as a dict in "extra". */}}
{{- define "backbone.annotations" -}}
{{- $all := merge (dict) (.extra | default dict) .context.Values.commonAnnotations -}}
{{- if $all }}
annotations:
  {{- toYaml $all | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "backbone.image" -}}
{{- $repository := .Values.image.repository -}}
{{- if .Values.image.registry -}}
{{- $repository = printf "%s/%s" .Values.image.registry .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{- define "backbone.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "backbone.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the bootstrap API keys, or empty when there are none. */}}
{{- define "backbone.apiKeysSecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else if .Values.auth.apiKeys -}}
{{- printf "%s-api-keys" (include "backbone.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "backbone.apiKeysSecretKey" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecretKey -}}
{{- else -}}
api-keys.yaml
{{- end -}}
{{- end -}}

{{/* Where the container finds its files; the deployment checks map the same paths to temporary directories. */}}
{{- define "backbone.configDir" -}}/etc/backbone/config{{- end -}}
{{- define "backbone.secretsDir" -}}/etc/backbone/secrets{{- end -}}
{{- define "backbone.tlsDir" -}}/etc/backbone/tls{{- end -}}

{{/* The port serving /actuator: the management port when one is set, the HTTP port otherwise. */}}
{{- define "backbone.managementPortName" -}}
{{- if gt (int .Values.containerPorts.management) 0 -}}management{{- else -}}http{{- end -}}
{{- end -}}

{{- define "backbone.managementPort" -}}
{{- if gt (int .Values.containerPorts.management) 0 -}}
{{- .Values.containerPorts.management -}}
{{- else -}}
{{- .Values.containerPorts.http -}}
{{- end -}}
{{- end -}}

{{- define "backbone.scheme" -}}
{{- if .Values.tls.enabled -}}HTTPS{{- else -}}HTTP{{- end -}}
{{- end -}}

{{/*
The broker's Spring properties: the user's config, then what other values imply (security mode, TLS bundle), which
win, so that one value is not set two different ways.
*/}}
{{- define "backbone.applicationConfig" -}}
{{- $security := dict "mode" .Values.auth.mode -}}
{{- with .Values.auth.superUsers -}}
{{- $_ := set $security "super-users" . -}}
{{- end -}}
{{- $implied := dict "backbone" (dict "security" $security) -}}
{{- if .Values.tls.enabled -}}
{{- $bundle := dict "keystore" (dict "certificate" (printf "%s/tls.crt" (include "backbone.tlsDir" .)) "private-key" (printf "%s/tls.key" (include "backbone.tlsDir" .))) "reload-on-update" true -}}
{{- $_ := set $implied "spring" (dict "ssl" (dict "bundle" (dict "pem" (dict "backbone-server" $bundle)))) -}}
{{- $_ := set $implied "server" (dict "ssl" (dict "bundle" "backbone-server")) -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite (deepCopy (.Values.config | default dict)) $implied) -}}
{{- end -}}

{{/* Fails the render with every bad value named, in one message. */}}
{{- define "backbone.validateValues" -}}
{{- $messages := list -}}
{{- if and (gt (int .Values.replicaCount) 1) (eq (mod (int .Values.replicaCount) 2) 0) -}}
{{- $messages = append $messages (printf "replicaCount: %v is even. A Raft cluster needs a majority of its pods, so %v pods survive no more failures than %v do. Use 1 (no replication), 3, 5 or 7." .Values.replicaCount .Values.replicaCount (sub (int .Values.replicaCount) 1)) -}}
{{- end -}}
{{- if or (eq (int .Values.containerPorts.raft) (int .Values.containerPorts.http)) (eq (int .Values.containerPorts.raft) (int .Values.containerPorts.management)) -}}
{{- $messages = append $messages "containerPorts.raft: must differ from containerPorts.http and containerPorts.management." -}}
{{- end -}}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) -}}
{{- $messages = append $messages "tls.existingSecret: TLS is enabled but no kubernetes.io/tls Secret is named." -}}
{{- end -}}
{{- if and .Values.auth.existingSecret .Values.auth.apiKeys -}}
{{- $messages = append $messages "auth.apiKeys: give the bootstrap API keys either in auth.apiKeys or in auth.existingSecret, not both." -}}
{{- end -}}
{{- if eq (int .Values.containerPorts.management) (int .Values.containerPorts.http) -}}
{{- $messages = append $messages "containerPorts.management: must differ from containerPorts.http (0 serves actuator on the HTTP port)." -}}
{{- end -}}
{{- if and .Values.pdb.minAvailable .Values.pdb.maxUnavailable -}}
{{- $messages = append $messages "pdb: set minAvailable or maxUnavailable, not both." -}}
{{- end -}}
{{- if $messages -}}
{{- fail (printf "\nVALUES VALIDATION:\n%s" (join "\n" $messages)) -}}
{{- end -}}
{{- end -}}

{{/* SPRING_CONFIG_ADDITIONAL_LOCATION: the ConfigMap's application.yaml, then the API keys' file when there is one. */}}
{{- define "backbone.configLocations" -}}
{{- $locations := list (printf "optional:file:%s/application.yaml" (include "backbone.configDir" .)) -}}
{{- if include "backbone.apiKeysSecretName" . -}}
{{- $locations = append $locations (printf "optional:file:%s/api-keys.yaml" (include "backbone.secretsDir" .)) -}}
{{- end -}}
{{- join "," $locations -}}
{{- end -}}

{{/* Whether the brokers form a replicated cluster (more than one pod). */}}
{{- define "backbone.clustered" -}}
{{- if gt (int .Values.replicaCount) 1 -}}true{{- end -}}
{{- end -}}

{{/*
backbone.cluster.peers: every pod of the StatefulSet by its stable DNS name under the headless Service, as
<pod>=<pod>.<headless>.<namespace>.svc.<clusterDomain>:<raftPort>:<httpPort>. The node id is the pod name.
*/}}
{{- define "backbone.clusterPeers" -}}
{{- $fullname := include "backbone.fullname" . -}}
{{- $headless := include "backbone.headlessServiceName" . -}}
{{- $peers := list -}}
{{- range $i := until (int .Values.replicaCount) -}}
{{- $pod := printf "%s-%d" $fullname $i -}}
{{- $peers = append $peers (printf "%s=%s.%s.%s.svc.%s:%d:%d" $pod $pod $headless $.Release.Namespace $.Values.clusterDomain (int $.Values.containerPorts.raft) (int $.Values.containerPorts.http)) -}}
{{- end -}}
{{- join "," $peers -}}
{{- end -}}
