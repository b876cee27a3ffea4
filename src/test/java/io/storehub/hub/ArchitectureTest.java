package io.storehub.hub;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The house rules on the shape of the Java code: no cycle between the packages
 * under {@code io.storehub.hub}, and no main source file over {@value #MAX_LINES} lines.
 */
class ArchitectureTest {

    static final int MAX_LINES = 400;

    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    @Test
    void packagesAreFreeOfCycles() {
        JavaClasses hub = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.storehub.hub");
        assertThat(hub.size()).as("main classes imported").isGreaterThan(50);
        slices().matching("io.storehub.hub.(*)..").should().beFreeOfCycles().check(hub);
    }

    @Test
    void noMainSourceFileIsOverTheLimit() throws IOException {
        Map<String, Long> lines = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                try (Stream<String> text = Files.lines(file)) {
                    lines.put(MAIN_SOURCES.relativize(file).toString().replace('\\', '/'), text.count());
                }
            }
        }
        assertThat(lines).as("main source files found under " + MAIN_SOURCES.toAbsolutePath()).hasSizeGreaterThan(50);
        List<String> over = lines.entrySet().stream()
                .filter(e -> e.getValue() > MAX_LINES)
                .map(e -> e.getKey() + " (" + e.getValue() + " lines)").toList();
        assertThat(over).as("main source files over " + MAX_LINES + " lines: split them").isEmpty();
    }
}
