#!/usr/bin/env bash
# The hub as a Camel K Integration, in one command (from anywhere):
#   k8s/camel-k/kamel-run.sh --repository <Maven repository holding io.storehub:storeganise-hub-camel>
# The operator builds the routes on Camel Quarkus (JVM mode) from the files of this working copy,
# as they are: a new routes/*.camel.yaml or templates/<subfolder>/ file needs no change here. After
# editing a route, run it again: the operator updates the running Integration (live route edits).
# k8s/camel-k/quarkus runs the same sources, configuration and dependencies on Camel Quarkus in
# CI; K8sManifestsTest fails when this file and that module's pom.xml disagree.
# Extra arguments go to `kamel run`; `-o yaml` prints the Integration instead of creating it (the
# ConfigMaps are applied all the same). Needs kubectl, kamel, the operator and the Secrets
# storeganise-hub-secrets, storeganise-hub-artemis and storeganise-hub-postgres (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

# the configuration ConfigMap (application.properties) and the Ingress
kubectl apply -k k8s/camel-k
# one ConfigMap per subfolder of templates/ (a ConfigMap is flat), each mounted by the mount trait at
# /deployments/templates/<subfolder> (the working directory's templates/, storeganise.templates.dir)
resources=()
for dir in templates/*/; do
  sub="$(basename "$dir")"
  kubectl create configmap "storeganise-hub-camel-k-templates-$sub" \
    --from-file="$dir" --dry-run=client -o yaml | kubectl apply -f -
  resources+=(--resource "configmap:storeganise-hub-camel-k-templates-$sub@/deployments/templates/$sub")
done

# Sources: infrastructure.camel.yaml (the data source and connection factories Spring Boot would
# wire) must come before routes/beans.camel.yaml.
# Properties: application.properties, and every key of the Secrets as a property of the same name.
# Dependencies: camel:X is the Camel Quarkus extension camel-quarkus-X; mvn:G:A:V is that artifact,
# its version as written (the processors are built and tested with these versions on Spring Boot).
#   http: storeganise-http (Storeganise API) and delivery-http (Slack, Zapier, CRMs)
#   mustache: message templates; mail: email destinations; caffeine: cache of sites, settings, units
#   micrometer: the MeterRegistry of the hub's counters
#   opentelemetry2: traces (off unless OTEL_SDK_DISABLED=false, docs/operations.md "Traces")
#   resilience4j circuitbreaker + bulkhead: storeganiseCircuitBreaker (plain library, no Camel
#     component: camel-resilience4j has no Camel Quarkus extension)
#   flyway: the databaseSchema bean (migrations inside the processors jar)
#   bucket4j: RateLimits (buckets in the database for all replicas); shedlock: clusterLock (timers once
#     per cluster); standardwebhooks: signed deliveries; jackson-dataformat-properties: the destination
#     registry's binding, at the Jackson version of Camel Quarkus 3.31 (2.20.1; Spring Boot's build has 2.19.2)
kamel run --name storeganise-hub \
  k8s/camel-k/infrastructure.camel.yaml routes/*.camel.yaml \
  --config configmap:storeganise-hub-camel-k-config \
  --config secret:storeganise-hub-secrets \
  --config secret:storeganise-hub-artemis \
  --config secret:storeganise-hub-postgres \
  "${resources[@]}" \
  --dependency camel:platform-http \
  --dependency camel:jms \
  --dependency camel:jackson \
  --dependency camel:micrometer \
  --dependency camel:opentelemetry2 \
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
  --dependency mvn:org.flywaydb:flyway-core:11.7.2 \
  --dependency mvn:org.flywaydb:flyway-database-postgresql:11.7.2 \
  --dependency mvn:io.github.resilience4j:resilience4j-circuitbreaker:2.3.0 \
  --dependency mvn:io.github.resilience4j:resilience4j-bulkhead:2.3.0 \
  --dependency mvn:com.bucket4j:bucket4j_jdk17-core:8.14.0 \
  --dependency mvn:net.javacrumbs.shedlock:shedlock-provider-jdbc:6.9.2 \
  --dependency mvn:com.standardwebhooks:standardwebhooks:1.2.0 \
  --dependency mvn:com.fasterxml.jackson.dataformat:jackson-dataformat-properties:2.20.1 \
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

# two replicas (the broker and the database are external); skipped when only printing
case " $* " in
  *" -o "*|*" --output "*) ;;
  *) kubectl scale integration storeganise-hub --replicas="${STOREGANISE_HUB_REPLICAS:-2}" ;;
esac
