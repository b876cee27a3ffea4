package io.storehub.hub.boot;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.storehub.hub.support.HubProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub's main class started as a user starts the jar, without any heap option: the process
 * becomes a JVM with jvm.options (exec, same pid); where it runs the hub in a child JVM instead, that
 * child never outlives the JVM the user started, however that one ends.
 */
class JvmRelaunchProcessTest {

    private static final Duration START_UP = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dataDir;

    private Process launcher;
    private ProcessHandle hub;

    @AfterEach
    void killWhatIsLeft() {
        Optional.ofNullable(hub).ifPresent(ProcessHandle::destroyForcibly);
        Optional.ofNullable(launcher).ifPresent(Process::destroyForcibly);
    }

    @Test
    void withoutAHeapSizeTheStartedProcessBecomesAJvmWithTheProjectOptions() throws Exception {
        int port = freePort();
        start(port, null);

        assertThat(hub.pid()).isEqualTo(launcher.pid()); // exec: no second process
        assertThat(launcher.toHandle().children()).isEmpty();
        assertThatTheHubRunsWithTheProjectOptions(port);
        assertThat(Files.readString(dataDir.resolve("launcher.log"))).contains("this JVM restarts itself with the project's JVM options");

        launcher.destroyForcibly().waitFor();
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aChildJvmRunsTheHubWithTheProjectOptionsAndDiesWithItsLauncher() throws Exception {
        int port = freePort();
        start(port, "child");

        assertThat(hub.pid()).isNotEqualTo(launcher.pid());
        assertThatTheHubRunsWithTheProjectOptions(port);

        // SIGKILL: the launcher runs no shutdown hook; the hub notices it is gone and stops by itself
        launcher.destroyForcibly().waitFor();
        await().atMost(Duration.ofMinutes(2)).until(() -> !hub.isAlive());
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port); // the port is free for the next start
        }
    }

    @Test
    void stoppingTheLauncherStopsItsChildJvmGracefullyFirst() throws Exception {
        start(freePort(), "child");

        launcher.destroy(); // SIGTERM, as systemd, docker stop or Ctrl-C
        launcher.waitFor();

        // the launcher's shutdown hook waited for the hub: it is gone when the launcher is, and it shut
        // down on its own (Camel stopped its routes), it was not killed
        assertThat(hub.isAlive()).isFalse();
        assertThat(Files.readString(dataDir.resolve("launcher.log"))).containsPattern("Apache Camel .* shutdown in")
                .doesNotContain("the hub did not stop within");
    }

    private void assertThatTheHubRunsWithTheProjectOptions(int port) throws IOException {
        List<String> hubArguments = arguments(hub);
        List<String> expected = JvmRelaunch.effectiveDefaults(JvmRelaunch.defaultOptions(), List.of(), JvmRelaunch::knownToThisJvm);
        assertThat(expected).anyMatch(o -> o.startsWith("-Xmx"));
        assertThat(hubArguments.subList(0, expected.size())).isEqualTo(expected);
        assertThat(hubArguments).contains(HubApplication.class.getName(), "--server.port=" + port);
        Path environment = Path.of("/proc", String.valueOf(hub.pid()), "environ");
        if (Files.isReadable(environment)) { // Linux
            assertThat(new String(Files.readAllBytes(environment), StandardCharsets.UTF_8).split("\0")).contains("MALLOC_ARENA_MAX=2");
        }
    }

    /**
     * java -cp ... HubApplication, no JVM option at all and none from the environment, as `java -jar`
     * would run it; relaunch: STOREGANISE_JVM_RELAUNCH, or null for the default.
     */
    private void start(int port, String relaunch) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HubApplication.class.getName()));
        HubProcess.baseProperties(dataDir).stream().map(p -> p.startsWith("server.port=") ? "server.port=" + port : p)
                .forEach(p -> command.add("--" + p));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("launcher.log").toFile());
        Map<String, String> environment = builder.environment();
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "STOREGANISE_JVM_RELAUNCH", "MALLOC_ARENA_MAX")
                .forEach(environment::remove);
        if (relaunch != null) {
            environment.put("STOREGANISE_JVM_RELAUNCH", relaunch);
        }
        launcher = builder.start();
        await().atMost(START_UP).ignoreExceptions().until(() -> HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        hub = launcher.toHandle().children().findFirst().orElse(launcher.toHandle());
    }

    /** /proc first: for a command line as long as this class path, ProcessHandle.Info has no arguments. */
    private static List<String> arguments(ProcessHandle process) throws IOException {
        Path cmdline = Path.of("/proc", String.valueOf(process.pid()), "cmdline");
        if (Files.isReadable(cmdline)) {
            List<String> argv = Arrays.asList(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
            return argv.subList(1, argv.size());
        }
        return Arrays.asList(process.info().arguments().orElseThrow());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
