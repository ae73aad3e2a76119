{{/*
공통으로 쓰는 이름과 레이블을 한곳에서 정의합니다.
*/}}

{{/* 릴리스 이름과 차트 이름으로 만든 전체 이름(63자 제한) */}}
{{- define "web-app.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* 셀렉터에 쓰는 레이블: 한번 배포하면 바꿀 수 없으므로 버전 정보를 넣지 않습니다. */}}
{{- define "web-app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* 모든 리소스에 붙이는 레이블 */}}
{{- define "web-app.labels" -}}
{{ include "web-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* 이미지 태그: values의 tag가 비어 있으면 appVersion-alpine */}}
{{- define "web-app.image" -}}
{{- $tag := .Values.image.tag | default (printf "%s-alpine" .Chart.AppVersion) -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
