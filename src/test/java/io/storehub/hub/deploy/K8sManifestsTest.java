package io.storehub.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads every manifest under {@code k8s/} (no cluster, no kubectl needed) and checks what a
 * deployment depends on: each file parses; every file a kustomization names exists, below its own
 * folder (a stock {@code kubectl apply -k}); every route file and template folder reaches every deploy
 * path; kamel-run.sh names what the Camel Quarkus proof runs with; every property the routes and
 * Kamelets reference is provided or has a default; the probes, ports and Ingress
 * point at what the app serves; the pods are non-root with a read-only root filesystem; the Secret
 * templates hold no values; the Dockerfile copies files that exist. If kubectl is installed, the
 * overlays are also built with {@code kubectl kustomize} (k8s/verify.sh does only that).
 */
class K8sManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");
    private static final Pattern SPRING_PLACEHOLDER = Pattern.compile("\\$\\{([^${}:]+)(:[^}]*)?}");
    /**
     * A Camel simple expression written with the same ${...} (a subscription filter such as
     * {@code ${body[invoice][total]} > 0}): Spring leaves it as written (EnvironmentPropertiesSource) and
     * DestinationRegistry compiles it; it names no variable.
     */
    private static final Pattern CAMEL_SIMPLE = Pattern.compile("(body|in\\.body|header|headers|in\\.header|exchangeProperty|variable|variables|date)\\b.*");
    private static final String IMAGE = "ghcr.io/storehub/storeganise-hub:0.1.0";
    private static final Path PROOF_POM = K8S.resolve("camel-k/quarkus/pom.xml");
    /**
     * Components of kamel-run.sh that the Camel Quarkus proof takes as the plain Camel artifact (JVM mode):
     * this machine's Maven registry does not serve their Camel Quarkus extension at the proof's release
     * (camel-quarkus-mustache, -mail and -caffeine 3.31.0). On a cluster the operator uses the extension.
     */
    private static final Set<String> PROOF_SUBSTITUTES = Set.of("mustache", "mail", "caffeine");
    /** What the operator adds to such an Integration itself: the YAML DSL for its sources, health for the health trait. */
    private static final Set<String> OPERATOR_ADDS = Set.of("org.apache.camel.quarkus:camel-quarkus-yaml-dsl",
            "org.apache.camel.quarkus:camel-quarkus-microprofile-health");

    // --- parsing ---------------------------------------------------------------------------------

    @Test
    void everyYamlFileUnderK8sParses() throws IOException {
        List<Path> files = yamlFiles(K8S);
        assertThat(files).hasSizeGreaterThan(15);
        for (Path file : files) {
            List<Object> docs = loadAll(file);
            assertThat(docs).as(file + " has a document").isNotEmpty();
            for (Object doc : docs) {
                assertThat(doc).as(file + " is a YAML mapping or list").isInstanceOfAny(Map.class, List.class);
                // all but the configuration files the manifests carry (kustomize config, routes, Spring config)
                if (doc instanceof Map<?, ?> map && !file.endsWith("kustomizeconfig.yaml")
                        && !file.endsWith("application.yaml") && !file.toString().endsWith(".camel.yaml")) {
                    assertThat(map.get("apiVersion")).as(file + " apiVersion").isNotNull();
                    assertThat(map.get("kind")).as(file + " kind").isNotNull();
                }
            }
        }
    }

    // --- kustomize -------------------------------------------------------------------------------

    @Test
    void everyFileAKustomizationNamesExists() throws IOException {
        for (Path kustomization : kustomizations()) {
            Map<String, Object> k = load(kustomization);
            Path dir = kustomization.getParent();
            for (String resource : strings(k.get("resources"))) {
                Path target = dir.resolve(resource).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as(kustomization + " resource " + resource).isTrue();
            }
            for (Map<String, Object> patch : maps(k.get("patches"))) {
                assertThat(dir.resolve((String) patch.get("path"))).as(kustomization + " patch").isRegularFile();
            }
            for (String configuration : strings(k.get("configurations"))) {
                assertThat(dir.resolve(configuration)).as(kustomization + " configuration").isRegularFile();
            }
            for (Map<String, Object> generator : maps(k.get("configMapGenerator"))) {
                for (String file : strings(generator.get("files"))) {
                    String path = file.contains("=") ? file.substring(file.indexOf('=') + 1) : file;
                    assertThat(dir.resolve(path).normalize()).as(kustomization + " generator file " + file).isRegularFile();
                }
            }
            assertThat(k.get("kind")).as(kustomization + " kind").isEqualTo("Kustomization");
        }
    }
    @Test
    void everyKustomizationReadsOnlyFilesBelowItsOwnFolder() throws IOException {
        // what lets a stock `kubectl apply -k <dir>` take it, without --load-restrictor
        for (Path kustomization : kustomizations()) {
            Map<String, Object> k = load(kustomization);
            Path dir = kustomization.getParent().toAbsolutePath().normalize();
            List<String> files = new ArrayList<>();
            maps(k.get("patches")).forEach(patch -> files.add((String) patch.get("path")));
            files.addAll(strings(k.get("configurations")));
            for (Map<String, Object> generator : maps(k.get("configMapGenerator"))) {
                strings(generator.get("files")).forEach(f -> files.add(f.contains("=") ? f.substring(f.indexOf('=') + 1) : f));
            }
            for (String resource : strings(k.get("resources"))) {
                if (!Files.isDirectory(kustomization.getParent().resolve(resource))) {
                    files.add(resource);
                }
            }
            for (String file : files) {
                assertThat(dir.resolve(file).normalize().startsWith(dir)).as(kustomization + " reads " + file
                        + " outside its folder: kubectl apply -k refuses it").isTrue();
            }
        }
    }

    /**
     * A route or template file added to the repository reaches every deploy path with no manifest to
     * regenerate: the image copies routes/ and templates/ whole (the Spring Boot overlays and the Camel K
     * image path mount nothing over them), kamel-run.sh passes the routes/*.camel.yaml glob and every
     * subfolder of templates/, and the Camel Quarkus proof loads the same glob.
     */
    @Test
    void everyRouteFileIsInEveryDeployPath() throws Exception {
        Set<String> routes = fileNames(Path.of("routes"), ".camel.yaml");
        assertThat(routes).contains("ingest.camel.yaml", "beans.camel.yaml");

        // the image (overlays single and scaled, Camel K image path)
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        assertThat(dockerfile).as("the image carries the routes, templates and defaults whole")
                .contains("COPY routes/ ./routes/", "COPY templates/ ./templates/", "COPY application.yaml ./");
        assertThat(Files.readAllLines(Path.of(".dockerignore"))).as(".dockerignore keeps them in the build context")
                .noneMatch(l -> l.trim().matches("/?(routes|templates|application\\.yaml)(/.*)?|\\*|\\*\\*"));
        assertThat(flatten(load(Path.of("application.yaml"))).get("camel.main.routes-include-pattern"))
                .isEqualTo("file:routes/*.camel.yaml");
        for (Path workload : List.of(K8S.resolve("base/deployment.yaml"), K8S.resolve("overlays/single/statefulset.yaml"))) {
            for (Map<String, Object> mount : maps(maps(podSpec(load(workload)).get("containers")).get(0).get("volumeMounts"))) {
                String path = (String) mount.get("mountPath");
                assertThat(path).as(workload + ": a volume over the image's routes or templates would hide a new file")
                        .isNotIn("/app", "/app/routes").doesNotStartWith("/app/routes/").doesNotStartWith("/app/templates");
            }
        }

        // Camel K, Integration built by the operator: kamel-run.sh's sources
        List<String> sources = kamelSources();
        assertThat(sources).containsExactly("k8s/camel-k/infrastructure.camel.yaml", "routes/*.camel.yaml");
        for (String route : routes) {
            assertThat(sources.stream().anyMatch(glob -> matches(glob, "routes/" + route)))
                    .as("kamel-run.sh passes routes/" + route).isTrue();
        }

        // the Camel Quarkus proof of that Integration
        List<String> proofSources = List.of(proofSystemProperty("camel.main.routes-include-pattern").split(","));
        assertThat(proofSources).as("the proof loads kamel-run.sh's sources, in order")
                .containsExactlyElementsOf(sources.stream().map(s -> "file:" + s).toList());
        for (String route : routes) {
            assertThat(proofSources.stream().anyMatch(p -> matches(p.substring("file:".length()), "routes/" + route)))
                    .as("the Camel Quarkus proof loads routes/" + route).isTrue();
        }
    }

    @Test
    void everyTemplateSubfolderReachesEveryDeployPath() throws IOException {
        Set<String> subfolders = templateFolders().keySet();
        Map<String, Object> app = flatten(load(Path.of("application.yaml")));
        // the image's templates/ (/app/templates) and, on Camel K, /deployments/templates: the working directory's
        assertThat(app.get("storeganise.templates.dir")).isEqualTo("templates");
        assertThat(camelKProperties().getProperty("storeganise.templates.dir")).isEqualTo("templates");
        // kamel-run.sh: one ConfigMap per subfolder, from the folder itself, mounted at the same place
        String script = Files.readString(K8S.resolve("camel-k/kamel-run.sh"));
        assertThat(script).contains("for dir in templates/*/; do", "--from-file=\"$dir\"",
                "--resource \"configmap:storeganise-hub-camel-k-templates-$sub@/deployments/templates/$sub\"", "\"${resources[@]}\"");
        assertThat(subfolders).isNotEmpty();
    }

    @Test
    void secretTemplatesAreNeverAppliedAndHoldNoValues() throws IOException {
        List<Path> templates = secretTemplates();
        assertThat(templates).hasSize(3);
        for (Path template : templates) {
            Map<String, Object> secret = load(template);
            assertThat(secret.get("kind")).isEqualTo("Secret");
            Map<String, Object> data = map(secret.get("stringData"));
            assertThat(data).as(template + " keys").isNotEmpty();
            data.forEach((key, value) -> {
                if (!key.endsWith("_PORT")) {
                    assertThat(String.valueOf(value)).as(template + " " + key + " must stay empty").isEmpty();
                }
            });
            assertThat(secret.get("data")).as(template + " has no base64 data").isNull();
        }
        for (Path kustomization : kustomizations()) {
            assertThat(strings(load(kustomization).get("resources"))).as(kustomization + " applies no Secret template")
                    .noneMatch(r -> r.contains("secret"));
        }
        assertThat(secretKeys()).contains("STOREGANISE_WEBHOOK_SECRET", "STOREGANISE_API_URL", "STOREGANISE_API_KEY",
                "STOREGANISE_ADMIN_TOKEN",
                "SLACK_WEBHOOK_URL", "SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "CRM_TOKEN", "ZAPIER_HOOK_URL",
                "SPRING_ARTEMIS_BROKER_URL", "SPRING_ARTEMIS_USER", "SPRING_ARTEMIS_PASSWORD",
                "SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");
    }

    // --- properties ------------------------------------------------------------------------------

    @Test
    void everyPropertyTheRoutesReferenceIsProvidedOrHasADefault() throws IOException {
        Map<String, Object> applicationYaml = flatten(load(Path.of("application.yaml")));
        Properties camelK = camelKProperties();
        Set<String> secrets = secretKeys();
        List<String> missing = new ArrayList<>();
        for (Path route : routeFiles()) {
            Set<String> templateParameters = templateParameters(route);
            for (String placeholder : placeholders(Files.readString(route))) {
                if (placeholder.contains(":")) {
                    continue; // {{key:default}}
                }
                if (templateParameters.contains(placeholder)) {
                    continue; // a parameter of a routeTemplate of this file, given by each templatedRoute
                }
                if (!applicationYaml.containsKey(placeholder)) {
                    missing.add(route + ": {{" + placeholder + "}} not in application.yaml (Spring Boot)");
                }
                if (!camelK.containsKey(placeholder) && !secrets.contains(placeholder)) {
                    missing.add(route + ": {{" + placeholder + "}} not in k8s/camel-k/application.properties (Camel K)");
                }
            }
        }
        // what the Camel K configuration itself refers to comes from the mounted Secrets
        String camelKConfig = Files.readString(K8S.resolve("camel-k/application.properties"))
                + Files.readString(K8S.resolve("camel-k/infrastructure.camel.yaml"));
        for (String placeholder : placeholders(camelKConfig)) {
            if (!placeholder.contains(":") && !camelK.containsKey(placeholder) && !secrets.contains(placeholder)) {
                missing.add("k8s/camel-k: {{" + placeholder + "}} is in no Secret template");
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyVariableApplicationYamlNeedsIsProvided() throws IOException {
        Map<String, Object> applicationYaml = flatten(load(Path.of("application.yaml")));
        Set<String> provided = new TreeSet<>(secretKeys());
        provided.addAll(containerEnv(podSpec(load(K8S.resolve("base/deployment.yaml")))));
        List<String> missing = new ArrayList<>();
        for (Path file : List.of(Path.of("application.yaml"), K8S.resolve("base/application.yaml"),
                K8S.resolve("camel-k/image/application.yaml"))) {
            Matcher m = SPRING_PLACEHOLDER.matcher(Files.readString(file));
            while (m.find()) {
                String name = m.group(1);
                if (m.group(2) == null && !applicationYaml.containsKey(name) && !provided.contains(name)
                        && !CAMEL_SIMPLE.matcher(name).matches()) {
                    missing.add(file + ": ${" + name + "}");
                }
            }
        }
        assertThat(missing).as("placeholders without default, provided by nothing").isEmpty();
    }

    @Test
    void kameletTemplatesUseOnlyDeclaredParameters() throws IOException {
        try (Stream<Path> files = Files.list(K8S.resolve("camel-k/kamelets"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".kamelet.yaml")).toList()) {
                Map<String, Object> kamelet = load(file);
                Map<String, Object> spec = map(kamelet.get("spec"));
                Map<String, Object> definition = map(spec.get("definition"));
                Set<String> declared = new TreeSet<>(map(definition.get("properties")).keySet());
                Map<String, Object> template = map(spec.get("template"));
                maps(template.get("beans")).forEach(bean -> declared.add((String) bean.get("name")));
                for (String placeholder : placeholders(new Yaml().dump(template))) {
                    assertThat(declared).as(file + " {{" + placeholder + "}}").contains(placeholder.split(":")[0]);
                }
                for (String required : strings(definition.get("required"))) {
                    assertThat(declared).as(file + " required " + required).contains(required);
                }
                map(definition.get("properties")).forEach((name, schema) -> {
                    Map<String, Object> property = map(schema);
                    assertThat(property).as(file + " " + name).containsKeys("title", "description", "type");
                    if (name.toLowerCase().matches(".*(secret|key|password|token).*")) {
                        assertThat(property.get("format")).as(file + " " + name + " is a secret").isEqualTo("password");
                    }
                });
                assertThat(map(map(kamelet.get("metadata")).get("labels")))
                        .containsKey("camel.apache.org/kamelet.type");
            }
        }
    }

    // --- Camel K ---------------------------------------------------------------------------------

    @Test
    void kamelRunMatchesTheCamelQuarkusProof() throws Exception {
        String script = Files.readString(K8S.resolve("camel-k/kamel-run.sh"));
        // properties: the ConfigMap of application.properties and the three Secrets' keys
        assertThat(options(script, "--config")).containsExactly("configmap:storeganise-hub-camel-k-config",
                "secret:storeganise-hub-secrets", "secret:storeganise-hub-artemis", "secret:storeganise-hub-postgres");
        assertThat(generatedFileNames(load(K8S.resolve("camel-k/kustomization.yaml")), "storeganise-hub-camel-k-config"))
                .containsExactly("application.properties");
        assertThat(proofSystemProperty("quarkus.config.locations")).isEqualTo("k8s/camel-k/application.properties");

        // dependencies: camel:X is the extension camel-quarkus-X, mvn:G:A:V that artifact
        List<String> kamel = options(script, "--dependency");
        for (String dependency : kamel) {
            assertThat(dependency).matches("camel:[a-z0-9-]+|mvn:[^:]+:[^:]+:\\d[^:]*");
        }
        assertThat(kamel).contains("mvn:io.storehub:storeganise-hub-camel:0.1.0")
                .noneMatch(d -> d.startsWith("mvn:org.apache.camel:") || d.equals("camel:resilience4j") || d.equals("camel:sql"));
        Set<String> expected = new TreeSet<>();
        for (String dependency : kamel) {
            if (dependency.startsWith("camel:")) {
                String name = dependency.substring("camel:".length());
                expected.add(PROOF_SUBSTITUTES.contains(name) ? "org.apache.camel:camel-" + name
                        : "org.apache.camel.quarkus:camel-quarkus-" + name);
            } else {
                expected.add(dependency.substring("mvn:".length()));
            }
        }
        expected.addAll(OPERATOR_ADDS);
        Map<String, String> proof = proofPom();
        assertThat(new TreeSet<>(proofDependencies(proof))).as("k8s/camel-k/quarkus/pom.xml dependencies (compile scope)")
                .isEqualTo(expected);
        // the build installs its processors jar under the coordinates the Integration names, and the proof takes those
        assertThat(proof.get("hub.camel.version")).isEqualTo(rootPomProperty("hub.camel.version"));
        assertThat("io.storehub:storeganise-hub-camel:" + proof.get("hub.camel.version"))
                .isIn(kamel.stream().map(d -> d.replace("mvn:", "")).toList());
    }

    @Test
    void camelKPropertiesCoverWhatSpringBootConfigures() throws IOException {
        Map<String, Object> applicationYaml = flatten(load(Path.of("application.yaml")));
        Properties camelK = camelKProperties();
        for (String key : applicationYaml.keySet()) {
            // storeganise.broker.*: Spring Boot's broker and connection factory (io.storehub.hub.boot); the
            // Integration's broker is external and its factory is in infrastructure.camel.yaml
            if (key.startsWith("storeganise.") && !key.equals("storeganise.data-dir") && !key.startsWith("storeganise.broker.")) {
                assertThat(camelK).as("k8s/camel-k/application.properties sets " + key).containsKey(key);
            }
        }
        // the servers' hard caps leave room above the hub's own limit, so its JSON 413 answers
        long hubLimit = Long.parseLong(String.valueOf(applicationYaml.get("storeganise.webhook.max-body-size")));
        assertThat(Long.parseLong(camelK.getProperty("storeganise.webhook.max-body-size"))).isEqualTo(hubLimit);
        assertThat(Long.parseLong(camelK.getProperty("camel.server.max-body-size"))).isGreaterThan(hubLimit);
        assertThat(camelK.getProperty("quarkus.http.limits.max-body-size")).matches("\\d+M")
                .satisfies(m -> assertThat(Long.parseLong(m.replace("M", "")) * 1024 * 1024).isGreaterThan(hubLimit));
    }

    // --- the pods --------------------------------------------------------------------------------

    @Test
    void probesPortsAndIngressPointAtWhatTheAppServes() throws IOException {
        Map<String, Object> app = flatten(load(Path.of("application.yaml")));
        assertThat(app.get("management.endpoint.health.probes.enabled")).isEqualTo(true);
        assertThat(String.valueOf(app.get("management.endpoints.web.exposure.include"))).contains("health", "prometheus");
        assertThat(app).doesNotContainKey("management.endpoints.web.base-path").doesNotContainKey("management.server.port");
        assertThat(String.valueOf(app.get("server.port"))).isEqualTo("${SERVER_PORT:8080}");
        Set<String> served = Set.of("/actuator/health/liveness", "/actuator/health/readiness");

        for (Map<String, Object> pod : List.of(podSpec(load(K8S.resolve("base/deployment.yaml"))),
                podSpec(load(K8S.resolve("overlays/single/statefulset.yaml"))))) {
            Map<String, Object> container = maps(pod.get("containers")).get(0);
            Map<String, Object> port = maps(container.get("ports")).get(0);
            assertThat(port).containsEntry("name", "http").containsEntry("containerPort", 8080);
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
                assertThat(served).as(probe).contains((String) httpGet.get("path"));
                assertThat(httpGet.get("port")).isEqualTo("http");
            }
            assertThat(map(container.get("readinessProbe")).toString()).contains("readiness");
            assertThat(container.get("image")).isEqualTo(IMAGE);
        }
        Map<String, Object> health = map(map(map(load(K8S.resolve("camel-k/image/integration.yaml")).get("spec"))
                .get("traits")).get("health"));
        assertThat(served).contains((String) health.get("livenessProbe"), (String) health.get("readinessProbe"));

        for (Path ingressFile : List.of(K8S.resolve("base/ingress.yaml"), K8S.resolve("camel-k/ingress/ingress.yaml"))) {
            Map<String, Object> spec = map(load(ingressFile).get("spec"));
            assertThat(maps(spec.get("tls"))).as(ingressFile + " TLS").isNotEmpty();
            Map<String, Object> rule = maps(spec.get("rules")).get(0);
            Map<String, Object> path = maps(map(rule.get("http")).get("paths")).get(0);
            assertThat(path.get("path")).isEqualTo(app.get("storeganise.webhook.path"));
            assertThat(map(maps(spec.get("tls")).get(0)).toString()).contains((String) rule.get("host"));
        }
        Map<String, Object> service = load(K8S.resolve("base/service.yaml"));
        assertThat(maps(map(service.get("spec")).get("ports")).get(0)).containsEntry("targetPort", "http");
    }

    /**
     * Every Ingress under k8s/ publishes the webhook path and nothing else: the
     * console (/console) and the admin API (/admin) hold customers' data and replay deliveries, so
     * they are reached inside the cluster only (kubectl port-forward), never through the Ingress.
     */
    @Test
    void noIngressPublishesTheConsoleOrTheAdminApi() throws IOException {
        Map<String, Object> app = flatten(load(Path.of("application.yaml")));
        String webhook = (String) app.get("storeganise.webhook.path");
        int ingresses = 0;
        for (Path file : yamlFiles(K8S)) {
            for (Object doc : loadAll(file)) {
                if (!(doc instanceof Map<?, ?> manifest) || !"Ingress".equals(manifest.get("kind"))) {
                    continue;
                }
                ingresses++;
                Map<String, Object> spec = map(manifest.get("spec"));
                assertThat(spec).as(file + ": no default backend (it would publish every path)").doesNotContainKey("defaultBackend");
                for (Map<String, Object> rule : maps(spec.get("rules"))) {
                    for (Map<String, Object> path : maps(map(rule.get("http")).get("paths"))) {
                        String p = (String) path.get("path");
                        assertThat(p).as(file + " publishes only the webhook").isEqualTo(webhook);
                        assertThat(path.get("pathType")).as(file + " " + p + " matched exactly, not as a prefix").isEqualTo("Exact");
                        for (String internal : List.of("/console", "/admin", "/actuator")) {
                            assertThat(internal.startsWith(p)).as(file + " path " + p + " would publish " + internal).isFalse();
                        }
                    }
                }
            }
        }
        assertThat(ingresses).as("the Ingress manifests were found").isGreaterThanOrEqualTo(2);
    }

    @Test
    void podsAreNonRootWithAReadOnlyRootFilesystemAndBoundedResources() throws IOException {
        for (Map<String, Object> pod : List.of(podSpec(load(K8S.resolve("base/deployment.yaml"))),
                podSpec(load(K8S.resolve("overlays/single/statefulset.yaml"))))) {
            assertThat(map(pod.get("securityContext"))).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
            Map<String, Object> container = maps(pod.get("containers")).get(0);
            Map<String, Object> security = map(container.get("securityContext"));
            assertThat(security).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
            Map<String, Object> resources = map(container.get("resources"));
            assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
            assertThat(map(resources.get("limits"))).containsKeys("cpu", "memory");
            List<String> mounts = maps(container.get("volumeMounts")).stream().map(m -> (String) m.get("mountPath")).toList();
            assertThat(mounts).contains("/tmp", "/data", "/app/config").doesNotContain("/app/routes", "/app/templates");
            assertThat(containerEnv(pod)).contains("STOREGANISE_DATA_DIR");
        }
    }

    @Test
    void statefulSetRunsTheDeploymentsPodWithTheDataVolumeFromItsClaim() throws IOException {
        Map<String, Object> deployment = podSpec(load(K8S.resolve("base/deployment.yaml")));
        Map<String, Object> statefulSetDoc = load(K8S.resolve("overlays/single/statefulset.yaml"));
        Map<String, Object> statefulSet = podSpec(statefulSetDoc);
        assertThat(statefulSet.get("containers")).isEqualTo(deployment.get("containers"));
        assertThat(statefulSet.get("securityContext")).isEqualTo(deployment.get("securityContext"));
        List<Map<String, Object>> expectedVolumes = maps(deployment.get("volumes")).stream()
                .filter(v -> !"data".equals(v.get("name"))).toList();
        assertThat(maps(statefulSet.get("volumes"))).isEqualTo(expectedVolumes);
        Map<String, Object> spec = map(statefulSetDoc.get("spec"));
        assertThat(spec.get("replicas")).isEqualTo(1);
        assertThat(maps(spec.get("volumeClaimTemplates"))).extracting(c -> map(c.get("metadata")).get("name"))
                .containsExactly("data");
    }

    @Test
    void scaledOverlayUsesTheExternalBrokerAndDatabase() throws IOException {
        Map<String, Object> patch = load(K8S.resolve("overlays/scaled/deployment-external.yaml"));
        Map<String, Object> container = maps(podSpec(patch).get("containers")).get(0);
        assertThat(maps(container.get("env"))).contains(Map.of("name", "SPRING_ARTEMIS_MODE", "value", "native"));
        assertThat(maps(container.get("envFrom"))).extracting(e -> map(e.get("secretRef")).get("name"))
                .containsExactly("storeganise-hub-secrets", "storeganise-hub-artemis", "storeganise-hub-postgres");
        Map<String, Object> hpa = load(K8S.resolve("overlays/scaled/hpa.yaml"));
        assertThat((Integer) map(hpa.get("spec")).get("minReplicas")).isGreaterThanOrEqualTo(2);
        assertThat(load(K8S.resolve("overlays/scaled/pdb.yaml")).get("kind")).isEqualTo("PodDisruptionBudget");
    }

    // --- image -----------------------------------------------------------------------------------

    @Test
    void dockerfileCopiesFilesThatExistAndRunsAsNonRoot() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
        int copies = 0;
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("COPY") && !line.contains("--from=")) {
                for (int i = 1; i < words.length - 1; i++) {
                    assertThat(Path.of(words[i])).as("Dockerfile COPY source " + words[i]).exists();
                    copies++;
                }
            }
        }
        assertThat(copies).isGreaterThanOrEqualTo(5);
        assertThat(lines).contains("USER 10001", "WORKDIR /app")
                .anyMatch(l -> l.startsWith("FROM eclipse-temurin:17-jre"))
                .anyMatch(l -> l.contains("-Djarmode=tools") && l.contains("extract --layers --launcher"))
                .anyMatch(l -> l.contains("STOREGANISE_DATA_DIR=/data"))
                // the JVM options of jvm.options, the file `java @jvm.options -jar` and `mvn spring-boot:run` read too
                .anyMatch(l -> l.contains("JDK_JAVA_OPTIONS=\"@/app/jvm.options\""))
                .anyMatch(l -> l.equals("COPY jvm.options ./"));
        assertThat(String.join("\n", lines)).contains(IMAGE);
        Map<String, Object> image = maps(load(K8S.resolve("base/kustomization.yaml")).get("images")).get(0);
        assertThat(image.get("name") + ":" + image.get("newTag")).isEqualTo(IMAGE);
    }

    // --- optional: the real kustomize ------------------------------------------------------------

    @Test
    void overlaysBuildWithKubectlWhenItIsInstalled() throws Exception {
        Assumptions.assumeTrue(kubectlAvailable(), "kubectl not installed: k8s/verify.sh installs it");
        for (String dir : List.of("k8s/overlays/single", "k8s/overlays/scaled", "k8s/camel-k", "k8s/camel-k/image")) {
            // what `kubectl apply -k dir` builds: no --load-restrictor
            Process process = new ProcessBuilder("kubectl", "kustomize", dir)
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(dir + ":\n" + out).isZero();
            List<Object> docs = new ArrayList<>();
            new Yaml().loadAll(out).forEach(docs::add);
            assertThat(docs).as(dir).isNotEmpty();
            if (dir.contains("overlays")) {
                // the hashed ConfigMap names reached the pod's volumes
                Map<String, Object> workload = docs.stream().map(K8sManifestsTest::map)
                        .filter(d -> Set.of("Deployment", "StatefulSet").contains(d.get("kind"))).findFirst().orElseThrow();
                Set<String> configMaps = new TreeSet<>();
                docs.stream().map(K8sManifestsTest::map).filter(d -> "ConfigMap".equals(d.get("kind")))
                        .forEach(d -> configMaps.add((String) map(d.get("metadata")).get("name")));
                maps(podSpec(workload).get("volumes")).stream().filter(v -> v.containsKey("configMap"))
                        .forEach(v -> assertThat(configMaps).contains((String) map(v.get("configMap")).get("name")));
                assertThat(docs.stream().map(K8sManifestsTest::map).filter(d -> "Deployment".equals(d.get("kind"))).count())
                        .isEqualTo(dir.endsWith("single") ? 0 : 1);
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** The files kamel-run.sh gives `kamel run` as sources, as written (globs unexpanded). */
    private static List<String> kamelSources() throws IOException {
        List<String> lines = Files.readAllLines(K8S.resolve("camel-k/kamel-run.sh"));
        int run = 0;
        while (!lines.get(run).trim().startsWith("kamel run ")) {
            run++;
        }
        List<String> sources = new ArrayList<>();
        for (String word : lines.get(run + 1).trim().split("\\s+")) {
            if (!word.equals("\\")) {
                sources.add(word);
            }
        }
        return sources;
    }

    private static boolean matches(String glob, String path) {
        return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path));
    }

    private static org.w3c.dom.Document xml(Path file) throws Exception {
        return javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static List<org.w3c.dom.Element> children(org.w3c.dom.Node parent, String name) {
        List<org.w3c.dom.Element> found = new ArrayList<>();
        for (org.w3c.dom.Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof org.w3c.dom.Element e && (name == null || e.getTagName().equals(name))) {
                found.add(e);
            }
        }
        return found;
    }

    private static String child(org.w3c.dom.Node parent, String name) {
        List<org.w3c.dom.Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    /** The properties of the Camel Quarkus proof's pom. */
    private static Map<String, String> proofPom() throws Exception {
        Map<String, String> properties = new TreeMap<>();
        org.w3c.dom.Element project = xml(PROOF_POM).getDocumentElement();
        for (org.w3c.dom.Element props : children(project, "properties")) {
            children(props, null).forEach(p -> properties.put(p.getTagName(), p.getTextContent().trim()));
        }
        return properties;
    }

    /** The proof's runtime dependencies as group:artifact[:version] (version only where the pom names one). */
    private static List<String> proofDependencies(Map<String, String> properties) throws Exception {
        List<String> found = new ArrayList<>();
        org.w3c.dom.Element project = xml(PROOF_POM).getDocumentElement();
        for (org.w3c.dom.Element dependencies : children(project, "dependencies")) {
            for (org.w3c.dom.Element d : children(dependencies, "dependency")) {
                if ("test".equals(child(d, "scope"))) {
                    continue;
                }
                String version = child(d, "version");
                if (version != null && version.startsWith("${")) {
                    version = properties.get(version.substring(2, version.length() - 1));
                }
                found.add(child(d, "groupId") + ":" + child(d, "artifactId") + (version == null ? "" : ":" + version));
            }
        }
        return found;
    }

    /** A system property the proof's tests run with (surefire configuration): what the operator gives the pod. */
    private static String proofSystemProperty(String name) throws Exception {
        org.w3c.dom.NodeList plugins = xml(PROOF_POM).getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            org.w3c.dom.Node plugin = plugins.item(i);
            if ("maven-surefire-plugin".equals(child(plugin, "artifactId"))) {
                for (org.w3c.dom.Element configuration : children(plugin, "configuration")) {
                    for (org.w3c.dom.Element variables : children(configuration, "systemPropertyVariables")) {
                        String value = child(variables, name);
                        if (value != null) {
                            return value;
                        }
                    }
                }
            }
        }
        throw new AssertionError(PROOF_POM + ": no surefire system property " + name);
    }

    private static String rootPomProperty(String name) throws Exception {
        org.w3c.dom.Element project = xml(Path.of("pom.xml")).getDocumentElement();
        return children(project, "properties").stream().flatMap(p -> children(p, name).stream())
                .map(e -> e.getTextContent().trim()).findFirst().orElseThrow();
    }

    private static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("/target/")).sorted().toList();
        }
    }

    private static List<Path> kustomizations() throws IOException {
        List<Path> list = yamlFiles(K8S).stream().filter(f -> f.endsWith("kustomization.yaml")).toList();
        assertThat(list).hasSizeGreaterThanOrEqualTo(6);
        return list;
    }

    private static List<Path> secretTemplates() throws IOException {
        return yamlFiles(K8S).stream().filter(f -> f.getFileName().toString().endsWith(".template.yaml")).toList();
    }

    private static Set<String> secretKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        for (Path template : secretTemplates()) {
            keys.addAll(map(load(template).get("stringData")).keySet());
        }
        return keys;
    }

    /** The parameter names of the routeTemplates declared in a route file. */
    @SuppressWarnings("unchecked")
    private static Set<String> templateParameters(Path route) throws IOException {
        Set<String> names = new TreeSet<>();
        List<Object> items = new Yaml().load(Files.readString(route));
        for (Object item : items == null ? List.of() : items) {
            if (item instanceof Map<?, ?> m && m.get("routeTemplate") instanceof Map<?, ?> template
                    && template.get("parameters") instanceof List<?> parameters) {
                for (Object p : parameters) {
                    names.add(String.valueOf(((Map<String, Object>) p).get("name")));
                }
            }
        }
        return names;
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    private static Set<String> fileNames(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .sorted().collect(LinkedHashSet::new, Set::add, Set::addAll);
        }
    }

    /**
     * The subfolders of templates/ and their files. Templates reach the pods as one ConfigMap per subfolder; a
     * ConfigMap is flat, so a folder inside a subfolder, or a template directly in templates/, would reach no pod.
     */
    private static Map<String, Set<Path>> templateFolders() throws IOException {
        Map<String, Set<Path>> folders = new TreeMap<>();
        Path root = Path.of("templates");
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.sorted().toList()) {
                if (Files.isDirectory(entry)) {
                    Set<Path> files = new TreeSet<>();
                    try (Stream<Path> inner = Files.list(entry)) {
                        for (Path file : inner.toList()) {
                            assertThat(file).as(file + ": a ConfigMap is flat, templates/<subfolder>/ cannot hold folders")
                                    .isRegularFile();
                            files.add(file.normalize());
                        }
                    }
                    folders.put(entry.getFileName().toString(), files);
                } else {
                    assertThat(entry.getFileName().toString()).as(entry + ": templates go in a subfolder of templates/ "
                            + "(one ConfigMap each); only the README is directly in templates/").isEqualTo("README.md");
                }
            }
        }
        assertThat(folders).as("templates/ has subfolders").isNotEmpty();
        return folders;
    }

    /** The files a ConfigMap generator reads, as paths relative to the repository root. */
    private static Set<Path> generatedFiles(Path kustomizationFile, Map<String, Object> kustomization, String name) {
        Map<String, Object> generator = maps(kustomization.get("configMapGenerator")).stream()
                .filter(g -> name.equals(g.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(kustomizationFile + ": no configMapGenerator " + name));
        Set<Path> files = new TreeSet<>();
        for (String file : strings(generator.get("files"))) {
            String path = file.contains("=") ? file.substring(file.indexOf('=') + 1) : file;
            files.add(kustomizationFile.getParent().resolve(path).normalize());
        }
        return files;
    }

    private static Set<String> generatedFileNames(Map<String, Object> kustomization, String name) {
        Map<String, Object> generator = maps(kustomization.get("configMapGenerator")).stream()
                .filter(g -> name.equals(g.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no configMapGenerator " + name));
        Set<String> names = new LinkedHashSet<>();
        for (String file : strings(generator.get("files"))) {
            names.add(Path.of(file.contains("=") ? file.substring(0, file.indexOf('=')) : file).getFileName().toString());
        }
        return names;
    }

    private static Properties camelKProperties() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(K8S.resolve("camel-k/application.properties"))));
        return properties;
    }

    /** The {@code {{...}}} placeholders of a YAML or properties text, comment lines left out. */
    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        String code = text.lines().filter(l -> !l.trim().startsWith("#")).reduce("", (a, b) -> a + b + "\n");
        Matcher m = PLACEHOLDER.matcher(code);
        while (m.find()) {
            found.add(m.group(1).trim());
        }
        return found;
    }

    private static List<String> options(String script, String option) {
        List<String> values = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(option) + "\\s+(\\S+)").matcher(script);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload.get("spec")).get("template")).get("spec"));
    }

    private static Set<String> containerEnv(Map<String, Object> pod) {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> container : maps(pod.get("containers"))) {
            maps(container.get("env")).forEach(e -> names.add((String) e.get("name")));
        }
        return names;
    }

    private static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> flat) {
        tree.forEach((key, value) -> flattenValue(prefix.isEmpty() ? key : prefix + "." + key, value, flat));
    }

    /** Lists as Spring Boot flattens them, and as a .properties file writes them: name[0], name[1], ... */
    private static void flattenValue(String name, Object value, Map<String, Object> flat) {
        if (value instanceof Map<?, ?>) {
            flatten(name, map(value), flat);
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flattenValue(name + "[" + i + "]", list.get(i), flat);
            }
        } else {
            flat.put(name, value);
        }
    }

    private static Map<String, Object> load(Path file) throws IOException {
        List<Object> docs = loadAll(file);
        assertThat(docs).as(file + " has one document").hasSize(1);
        return map(docs.get(0));
    }

    private static List<Object> loadAll(Path file) throws IOException {
        List<Object> docs = new ArrayList<>();
        try {
            new Yaml().loadAll(Files.readString(file)).forEach(d -> {
                if (d != null) {
                    docs.add(d);
                }
            });
        } catch (RuntimeException e) {
            fail(file + " does not parse: " + e.getMessage());
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return value == null ? List.of() : ((List<Object>) value).stream().map(Objects::toString).toList();
    }
}
