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
 * deployment depends on: each file parses; every file a kustomization names exists and the
 * ConfigMaps list every route and template; every property the routes and Kamelets reference is
 * provided or has a default; the Integration runs every route file; the probes, ports and Ingress
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
    void configMapsListEveryRouteAndTemplate() throws IOException {
        Set<String> routes = fileNames(Path.of("routes"), ".camel.yaml");
        Map<String, Set<Path>> templates = templateFolders();

        Path basePath = K8S.resolve("base/kustomization.yaml");
        Map<String, Object> base = load(basePath);
        assertThat(generatedFileNames(base, "storeganise-hub-routes")).as("base routes ConfigMap").isEqualTo(routes);
        assertThat(generatedFileNames(base, "storeganise-hub-config")).containsExactly("application.yaml");
        assertTemplateConfigMaps(basePath, base, "storeganise-hub-templates-", templates);

        Path camelKPath = K8S.resolve("camel-k/kustomization.yaml");
        Map<String, Object> camelK = load(camelKPath);
        Set<String> sources = new LinkedHashSet<>(List.of("infrastructure.camel.yaml"));
        sources.addAll(routes);
        assertThat(generatedFileNames(camelK, "storeganise-hub-camel-k-sources")).isEqualTo(sources);
        assertThat(generatedFileNames(camelK, "storeganise-hub-camel-k-config")).containsExactly("application.properties");
        assertTemplateConfigMaps(camelKPath, camelK, "storeganise-hub-camel-k-templates-", templates);
    }

    /** One ConfigMap per subfolder of templates/, named prefix + subfolder, holding exactly that subfolder's files. */
    private static void assertTemplateConfigMaps(Path kustomizationFile, Map<String, Object> kustomization, String prefix,
                                                 Map<String, Set<Path>> templates) {
        Set<String> expectedNames = new TreeSet<>();
        templates.keySet().forEach(sub -> expectedNames.add(prefix + sub));
        Set<String> names = new TreeSet<>();
        maps(kustomization.get("configMapGenerator")).stream().map(g -> (String) g.get("name"))
                .filter(n -> n.startsWith(prefix.substring(0, prefix.length() - 1))).forEach(names::add);
        assertThat(names).as(kustomizationFile + ": one templates ConfigMap per subfolder of templates/ "
                + "(and no ConfigMap of templates/ itself)").isEqualTo(expectedNames);
        templates.forEach((sub, files) -> assertThat(generatedFiles(kustomizationFile, kustomization, prefix + sub))
                .as(kustomizationFile + " ConfigMap " + prefix + sub + " holds every file of templates/" + sub + "/ and no other")
                .isEqualTo(files));
    }

    @Test
    void everyTemplateSubfolderIsMountedFromItsConfigMap() throws IOException {
        Set<String> subfolders = templateFolders().keySet();
        Map<String, Object> app = flatten(load(Path.of("application.yaml")));
        // the mounts below are the working directory's templates/ on both runtimes
        assertThat(app.get("storeganise.templates.dir")).isEqualTo("templates");
        assertThat(camelKProperties().getProperty("storeganise.templates.dir")).isEqualTo("templates");

        for (Path workload : List.of(K8S.resolve("base/deployment.yaml"), K8S.resolve("overlays/single/statefulset.yaml"))) {
            Map<String, Object> pod = podSpec(load(workload));
            Map<String, String> volumeConfigMaps = new LinkedHashMap<>();
            maps(pod.get("volumes")).stream().filter(v -> v.containsKey("configMap"))
                    .forEach(v -> volumeConfigMaps.put((String) v.get("name"), (String) map(v.get("configMap")).get("name")));
            Map<String, String> mounted = new TreeMap<>(); // mount path -> ConfigMap
            for (Map<String, Object> mount : maps(maps(pod.get("containers")).get(0).get("volumeMounts"))) {
                String path = (String) mount.get("mountPath");
                if (path.equals("/app/templates") || path.startsWith("/app/templates/")) {
                    assertThat(mount.get("readOnly")).as(workload + " " + path + " read-only").isEqualTo(true);
                    mounted.put(path, volumeConfigMaps.get((String) mount.get("name")));
                }
            }
            Map<String, String> expected = new TreeMap<>();
            subfolders.forEach(sub -> expected.put("/app/templates/" + sub, "storeganise-hub-templates-" + sub));
            assertThat(mounted).as(workload + ": templates/<subfolder> mounted from its ConfigMap, templates/ itself "
                    + "not mounted (a mount inside a ConfigMap volume fails)").isEqualTo(expected);
        }

        Map<String, Object> mount = map(map(map(load(K8S.resolve("camel-k/integration.yaml")).get("spec")).get("traits")).get("mount"));
        Set<String> templateResources = new TreeSet<>();
        strings(mount.get("resources")).stream().filter(r -> r.contains("templates")).forEach(templateResources::add);
        Set<String> expected = new TreeSet<>();
        subfolders.forEach(sub -> expected.add("configmap:storeganise-hub-camel-k-templates-" + sub + "@/deployments/templates/" + sub));
        assertThat(templateResources).as("Integration mount trait: templates/<subfolder> from its ConfigMap").isEqualTo(expected);

        assertThat(Files.readAllLines(Path.of("Dockerfile"))).as("the image carries templates/ beneath the mounts")
                .contains("COPY templates/ ./templates/");
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
            for (String placeholder : placeholders(Files.readString(route))) {
                if (placeholder.contains(":")) {
                    continue; // {{key:default}}
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
        for (Path file : List.of(Path.of("application.yaml"), K8S.resolve("camel-k/image/application.yaml"))) {
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
    void integrationRunsEveryRouteFileAfterTheInfrastructure() throws IOException {
        Map<String, Object> integration = load(K8S.resolve("camel-k/integration.yaml"));
        List<Map<String, Object>> sources = maps(map(integration.get("spec")).get("sources"));
        List<String> expected = new ArrayList<>(List.of("infrastructure.camel.yaml"));
        expected.addAll(fileNames(Path.of("routes"), ".camel.yaml"));
        assertThat(sources).extracting(s -> (String) s.get("name")).containsExactlyElementsOf(expected);
        assertThat(sources).allSatisfy(s -> {
            assertThat(s.get("contentKey")).isEqualTo(s.get("name"));
            assertThat(s.get("contentRef")).isEqualTo("storeganise-hub-camel-k-sources");
        });
    }

    @Test
    void kamelCommandLineMatchesTheIntegration() throws IOException {
        String script = Files.readString(K8S.resolve("camel-k/kamel-run.sh"));
        Map<String, Object> spec = map(load(K8S.resolve("camel-k/integration.yaml")).get("spec"));
        Map<String, Object> mount = map(map(spec.get("traits")).get("mount"));
        assertThat(script).contains("k8s/camel-k/infrastructure.camel.yaml routes/*.camel.yaml");
        assertThat(options(script, "--dependency")).containsExactlyElementsOf(strings(spec.get("dependencies")));
        assertThat(options(script, "--config")).containsExactlyElementsOf(strings(mount.get("configs")));
        assertThat(options(script, "--resource")).containsExactlyElementsOf(strings(mount.get("resources")));
        for (String dependency : strings(spec.get("dependencies"))) {
            assertThat(dependency).matches("camel:[a-z0-9-]+|mvn:[^:]+:[^:]+(:[^:]+)*:\\d[^:]*");
        }
        assertThat(strings(spec.get("dependencies"))).contains("mvn:io.storehub:storeganise-hub-camel:0.1.0");
        // every Secret key the Camel K configuration reads is mounted
        assertThat(strings(mount.get("configs"))).contains("secret:storeganise-hub-secrets",
                "secret:storeganise-hub-artemis", "secret:storeganise-hub-postgres");
    }

    @Test
    void camelKPropertiesCoverWhatSpringBootConfigures() throws IOException {
        Map<String, Object> applicationYaml = flatten(load(Path.of("application.yaml")));
        Properties camelK = camelKProperties();
        for (String key : applicationYaml.keySet()) {
            if (key.startsWith("storeganise.") && !key.equals("storeganise.data-dir")) {
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
            assertThat(mounts).contains("/tmp", "/data", "/app/config", "/app/routes").doesNotContain("/app/templates");
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
                .anyMatch(l -> l.contains("MaxRAMPercentage"));
        assertThat(String.join("\n", lines)).contains(IMAGE);
        Map<String, Object> image = maps(load(K8S.resolve("base/kustomization.yaml")).get("images")).get(0);
        assertThat(image.get("name") + ":" + image.get("newTag")).isEqualTo(IMAGE);
    }

    // --- optional: the real kustomize ------------------------------------------------------------

    @Test
    void overlaysBuildWithKubectlWhenItIsInstalled() throws Exception {
        Assumptions.assumeTrue(kubectlAvailable(), "kubectl not installed: k8s/verify.sh installs it");
        for (String dir : List.of("k8s/overlays/single", "k8s/overlays/scaled", "k8s/camel-k", "k8s/camel-k/image")) {
            Process process = new ProcessBuilder("kubectl", "kustomize", "--load-restrictor", "LoadRestrictionsNone", dir)
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
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
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
