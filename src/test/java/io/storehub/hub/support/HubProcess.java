package io.storehub.hub.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.storehub.hub.boot.HubApplication;
import org.apache.camel.CamelContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a whole hub (in this JVM, or in a child JVM that can be killed) on a given data directory. */
public final class HubProcess {

    private HubProcess() {
    }

    public static List<String> baseProperties(Path dataDir) {
        List<String> props = new ArrayList<>();
        props.add("storeganise.data-dir=" + dataDir);
        props.add("storeganise.webhook.secrets=" + HubTestSupport.SECRET);
        props.add("server.port=0");
        return props;
    }

    public static ConfigurableApplicationContext start(Path dataDir, String... extra) {
        return start(List.of(), dataDir, extra);
    }

    /** A hub with more Spring configuration classes (e.g. a test's event notifier, which Camel picks up as a bean). */
    public static ConfigurableApplicationContext start(List<Class<?>> sources, Path dataDir, String... extra) {
        List<String> props = baseProperties(dataDir);
        props.addAll(List.of(extra));
        List<Class<?>> all = new ArrayList<>(List.of(HubApplication.class));
        all.addAll(sources);
        // command-line arguments: they outrank application.yaml (builder "properties" are only defaults)
        return new SpringApplicationBuilder(all.toArray(Class<?>[]::new)).run(props.stream().map(p -> "--" + p).toArray(String[]::new));
    }

    public static String webhookUrl(ConfigurableApplicationContext hub) {
        return "http://localhost:" + hub.getEnvironment().getProperty("local.server.port") + "/webhooks/storeganise";
    }

    public static CamelContext camel(ConfigurableApplicationContext hub) {
        return hub.getBean(CamelContext.class);
    }

    /** A hub in a child JVM with this test's classpath; {@link Process#destroyForcibly()} is a real crash (SIGKILL). */
    public static Process startChild(Path dataDir, int port, Map<String, String> extra) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HubApplication.class.getName());
        List<String> props = baseProperties(dataDir);
        props.set(props.size() - 1, "server.port=" + port);
        extra.forEach((k, v) -> props.add(k + "=" + v));
        props.forEach(p -> command.add("--" + p));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("child-hub.log").toFile()).start();
    }
}
