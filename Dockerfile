# The Storeganise webhook hub as a container image: layered Spring Boot jar on a Java 17 JRE,
# running as a non-root user, with the configuration, routes and templates in /app and the data
# directory (embedded broker journal, embedded database) at /data.
#   docker build -t ghcr.io/storehub/storeganise-hub:0.1.0 .
# (ghcr.io/storehub is a placeholder registry: tag and push to yours, and set the same name in
# k8s/base/kustomization.yaml `images:`.)

# --- build --------------------------------------------------------------------------------------
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /build
# dependencies first, so they stay cached while only the sources change
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
# the samples of the 37 event types go into the jar (the console's "send a test event")
COPY samples ./samples
RUN mvn -B -q -DskipTests package \
    && mkdir /extracted \
    && java -Djarmode=tools -jar target/storeganise-hub-*.jar extract --layers --launcher --destination /extracted

# --- run ----------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
WORKDIR /app
# least to most often changed, one image layer each
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# what the hub reads from its working directory; a new route or template file ships with the next
# image (k8s/ mounts only the environment's config/application.yaml, read over application.yaml)
COPY application.yaml ./
# the JVM options (heap, metaspace, collector, ...): one file for the image, `java @jvm.options -jar` and Kubernetes
COPY jvm.options ./
COPY routes/ ./routes/
COPY templates/ ./templates/
RUN mkdir -p /data && chown 10001:0 /data && chmod 0770 /data
# JVM options from /app/jvm.options (peak RSS under 512 MiB, docs/benchmarks.md); to change one, append
# it: JDK_JAVA_OPTIONS="@/app/jvm.options -Xmx384m" (the last of an option wins; JAVA_TOOL_OPTIONS
# would lose to these). Fewer glibc malloc arenas: with the hub's threads the default costs ~50 MiB.
ENV STOREGANISE_DATA_DIR=/data \
    JDK_JAVA_OPTIONS="@/app/jvm.options" \
    MALLOC_ARENA_MAX=2
USER 10001
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
