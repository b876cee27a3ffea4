#!/usr/bin/env bash
# The kamel command line equivalent to integration.yaml: run it from the repository root.
# kamel copies the route files into the Integration (sources[].content) where integration.yaml
# refers to the ConfigMap storeganise-hub-camel-k-sources; the rest is the same.
# Add `-o yaml` to print the Integration instead of creating it. kamel warns "do not use
# mvn:org.apache.camel:camel-resilience4j, use camel:resilience4j": not here, Camel Quarkus has no
# such extension (see integration.yaml).
set -euo pipefail
cd "$(dirname "$0")/../.."

# configuration and templates (the Secrets are created once, see docs/deploy.md)
kubectl create configmap storeganise-hub-camel-k-config \
  --from-file=k8s/camel-k/application.properties --dry-run=client -o yaml | kubectl apply -f -
# one ConfigMap per subfolder of templates/ (a ConfigMap is flat), each mounted by a resource option of kamel run below
for dir in templates/*/; do
  sub="$(basename "$dir")"
  kubectl create configmap "storeganise-hub-camel-k-templates-$sub" \
    --from-file="$dir" --dry-run=client -o yaml | kubectl apply -f -
done

# infrastructure.camel.yaml must come before routes/beans.camel.yaml
kamel run --name storeganise-hub \
  k8s/camel-k/infrastructure.camel.yaml routes/*.camel.yaml \
  --config configmap:storeganise-hub-camel-k-config \
  --config secret:storeganise-hub-secrets \
  --config secret:storeganise-hub-artemis \
  --config secret:storeganise-hub-postgres \
  --resource configmap:storeganise-hub-camel-k-templates-email@/deployments/templates/email \
  --resource configmap:storeganise-hub-camel-k-templates-http@/deployments/templates/http \
  --resource configmap:storeganise-hub-camel-k-templates-log@/deployments/templates/log \
  --resource configmap:storeganise-hub-camel-k-templates-slack@/deployments/templates/slack \
  --resource configmap:storeganise-hub-camel-k-templates-sms@/deployments/templates/sms \
  --resource configmap:storeganise-hub-camel-k-templates-storeganise@/deployments/templates/storeganise \
  --dependency camel:platform-http \
  --dependency camel:jms \
  --dependency camel:sql \
  --dependency camel:jackson \
  --dependency camel:micrometer \
  --dependency camel:timer \
  --dependency camel:bean \
  --dependency camel:direct \
  --dependency camel:log \
  --dependency camel:http \
  --dependency camel:mustache \
  --dependency camel:mail \
  --dependency camel:caffeine \
  --dependency mvn:org.apache.activemq:artemis-jakarta-client:2.40.0 \
  --dependency mvn:com.zaxxer:HikariCP:6.3.3 \
  --dependency mvn:org.postgresql:postgresql:42.7.8 \
  --dependency mvn:org.apache.camel:camel-resilience4j:4.17.0 \
  --dependency mvn:com.bucket4j:bucket4j_jdk17-core:8.14.0 \
  --dependency mvn:net.javacrumbs.shedlock:shedlock-provider-jdbc:6.9.2 \
  --dependency mvn:com.standardwebhooks:standardwebhooks:1.2.0 \
  --dependency mvn:com.fasterxml.jackson.dataformat:jackson-dataformat-properties:2.19.2 \
  --dependency mvn:io.storehub:storeganise-hub-camel:0.1.0 \
  --trait container.port=8080 \
  --trait container.request-cpu=250m \
  --trait container.request-memory=512Mi \
  --trait container.limit-cpu=2 \
  --trait container.limit-memory=1Gi \
  --trait container.run-as-non-root=true \
  --trait health.enabled=true \
  --trait health.liveness-probe-enabled=true \
  --trait health.readiness-probe-enabled=true \
  --trait health.startup-probe-enabled=true \
  --trait health.startup-failure-threshold=36 \
  --trait jvm.options=-XX:MaxRAMPercentage=60 \
  --trait jvm.options=-XX:+ExitOnOutOfMemoryError \
  --trait service.enabled=true \
  "$@"
# then: kubectl scale it storeganise-hub --replicas=2 (or add spec.replicas as integration.yaml does)
