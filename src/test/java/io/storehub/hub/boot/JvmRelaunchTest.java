package io.storehub.hub.boot;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a plain `java -jar` runs the hub in a child JVM, and with which command. */
class JvmRelaunchTest {

    @Test
    void relaunchesWhenNoHeapSizeIsGivenAnywhere() {
        assertThat(JvmRelaunch.reasonToStay(List.of(), Map.of())).isEmpty();
        assertThat(JvmRelaunch.reasonToStay(List.of("-Dserver.port=9090", "-XX:+UseG1GC", "-Xss512k"),
                Map.of("JAVA_TOOL_OPTIONS", "-Dfile.encoding=UTF-8", "STOREGANISE_JVM_RELAUNCH", "true"))).isEmpty();
        // child: relaunched as a child process instead of in place
        assertThat(JvmRelaunch.reasonToStay(List.of(), Map.of("STOREGANISE_JVM_RELAUNCH", "child"))).isEmpty();
    }

    @Test
    void staysWhenTheUserChoseTheHeapOnTheCommandLine() {
        for (String option : List.of("-Xmx1g", "-Xms512m", "-XX:MaxRAMPercentage=60", "-XX:MaxRAM=2g", "-XX:InitialRAMPercentage=10",
                "-XX:MaxHeapSize=1073741824", "-XX:Flags=.hotspotrc", "-XX:VMOptionsFile=vm.options")) {
            assertThat(JvmRelaunch.reasonToStay(List.of("-Dx=y", option), Map.of())).as(option).contains("heap setting given: " + option);
        }
    }

    @Test
    void staysWhenTheHeapIsChosenInAnOptionsVariable() {
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            assertThat(JvmRelaunch.reasonToStay(List.of(), Map.of(variable, " -Dx=y   -XX:MaxRAMPercentage=75 "))).as(variable)
                    .contains("heap setting given: -XX:MaxRAMPercentage=75");
        }
    }

    @Test
    void staysWhenADebuggerOrProfilerIsAttached() {
        assertThat(JvmRelaunch.reasonToStay(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), Map.of()))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("agent attached"));
        assertThat(JvmRelaunch.reasonToStay(List.of("-javaagent:/opt/otel.jar"), Map.of())).isPresent();
    }

    @Test
    void staysWhenTheUserOptsOut() {
        assertThat(JvmRelaunch.reasonToStay(List.of(), Map.of("STOREGANISE_JVM_RELAUNCH", "false"))).contains("STOREGANISE_JVM_RELAUNCH=false");
        assertThat(JvmRelaunch.reasonToStay(List.of("-Dstoreganise.jvm.relaunch=false"), Map.of())).isPresent();
    }

    @Test
    void theChildRunsTheSameCommandLineAfterTheDefaults() {
        List<String> command = JvmRelaunch.childCommand("/jdk/bin/java", List.of("-Xmx176m", "-XX:+UseSerialGC"), 4242,
                List.of("-Dserver.port=9090", "-jar", "hub.jar", "--storeganise.data-dir=/data"));
        assertThat(command).containsExactly("/jdk/bin/java", "-Xmx176m", "-XX:+UseSerialGC", "-Dstoreganise.jvm.launcher-pid=4242",
                "-Dserver.port=9090", "-jar", "hub.jar", "--storeganise.data-dir=/data");
    }

    @Test
    void theUsersOwnOptionsReplaceTheDefaultsTheyOverlap() {
        List<String> defaults = List.of("-Xmx176m", "-Xss1m", "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=64m", "-XX:+ExitOnOutOfMemoryError");
        // a collector choice of the user's excludes ours (two collectors: the JVM would refuse to start)
        assertThat(JvmRelaunch.effectiveDefaults(defaults, List.of("-XX:+UseG1GC", "-Xss512k", "-XX:-ExitOnOutOfMemoryError"), flag -> true))
                .containsExactly("-Xmx176m", "-XX:ReservedCodeCacheSize=64m");
    }

    @Test
    void optionsThisJavaDoesNotHaveAreLeftOut() {
        List<String> defaults = List.of("-Xmx176m", "-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000");
        assertThat(JvmRelaunch.effectiveDefaults(defaults, List.of(), flag -> !flag.equals("TrimNativeHeapInterval")))
                .containsExactly("-Xmx176m", "-XX:+UseSerialGC");
        assertThat(JvmRelaunch.knownToThisJvm("UseSerialGC")).isTrue();
        assertThat(JvmRelaunch.knownToThisJvm("NoSuchOption")).isFalse();
    }

    @Test
    void theOptionsFileIsReadAsAJavaArgumentFile() throws Exception {
        String file = """
                # a comment
                -Xmx176m

                  # an indented comment
                -XX:+UseSerialGC   -XX:MaxMetaspaceSize=160m
                """;
        assertThat(JvmRelaunch.parseOptions(new BufferedReader(new StringReader(file))))
                .containsExactly("-Xmx176m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=160m");
    }

    @Test
    void thePackagedOptionsAreTheProjectsJvmOptionsFile() throws Exception {
        List<String> project = JvmRelaunch.parseOptions(Files.newBufferedReader(Path.of("jvm.options")));
        assertThat(JvmRelaunch.defaultOptions()).isEqualTo(project)
                .anyMatch(o -> o.startsWith("-Xmx")).anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"));
        // every option is one this JVM (the project's Java) starts with
        assertThat(JvmRelaunch.effectiveDefaults(project, List.of(), JvmRelaunch::knownToThisJvm)).isEqualTo(project);
    }
}
