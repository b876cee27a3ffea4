package io.storehub.hub.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jvm.options is the one place the hub's JVM options are set: `java @jvm.options -jar`, the image's
 * JDK_JAVA_OPTIONS (K8sManifestsTest) and `mvn spring-boot:run` read it (docs/deploy.md, "JVM memory").
 */
class JvmOptionsTest {

    @Test
    void theProjectsJavaStartsWithTheOptionsFile() throws Exception {
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@jvm.options", "-XX:+PrintCommandLineFlags", "-version").redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // an option this Java does not know (e.g. TrimNativeHeapInterval before 17.0.11) stops it here
        assertThat(java.exitValue()).as(out).isZero();
        assertThat(out).contains("-XX:MaxHeapSize=209715200", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void springBootRunUsesTheOptionsFile() throws Exception {
        assertThat(Files.readString(Path.of("pom.xml")))
                .contains("<spring-boot.run.jvmArguments>@jvm.options</spring-boot.run.jvmArguments>");
    }
}
