package io.storehub.hub.boot;

import java.util.Arrays;
import java.util.Set;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;

/**
 * Traces are off, at no cost, unless {@code otel.traces.exporter} names an exporter: camel-opentelemetry2's
 * starter is then left out. Spring Boot's own SDK set-up always is ({@link TracingConfiguration} builds
 * the hub's). Listed in META-INF/spring.factories.
 */
public class TracingSwitch implements AutoConfigurationImportFilter, EnvironmentAware {

    static final String CAMEL_TRACER = "org.apache.camel.opentelemetry2.starter.OpenTelemetry2AutoConfiguration";
    private static final Set<String> SPRING_SDK = Set.of(
            "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration");

    private Environment environment;

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean on = tracesOn(environment);
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            String c = autoConfigurationClasses[i];
            match[i] = c == null || !(SPRING_SDK.contains(c) || (!on && CAMEL_TRACER.equals(c)));
        }
        return match;
    }

    /** Whether spans are exported: the SDK is not disabled and {@code otel.traces.exporter} names one besides {@code none} (the hub's default). */
    static boolean tracesOn(PropertyResolver env) {
        if (env == null || Boolean.parseBoolean(env.getProperty("otel.sdk.disabled", "false").trim())) {
            return false;
        }
        return Arrays.stream(env.getProperty("otel.traces.exporter", "none").split(",")).map(String::trim)
                .anyMatch(exporter -> !exporter.isEmpty() && !exporter.equals("none"));
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }
}
