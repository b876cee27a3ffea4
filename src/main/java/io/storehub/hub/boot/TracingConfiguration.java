package io.storehub.hub.boot;

import java.util.LinkedHashMap;
import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The OpenTelemetry SDK of the hub's traces when they are on ({@link TracingSwitch}), built by the SDK's
 * autoconfiguration so every standard {@code OTEL_*} setting works. Precedence: system properties,
 * environment, {@code otel.*} keys of the Spring configuration, then the hub's defaults.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(TracingConfiguration.TracesOn.class)
public class TracingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TracingConfiguration.class);

    @Bean(destroyMethod = "close") // flushes the spans still batched
    OpenTelemetrySdk openTelemetry(ConfigurableEnvironment environment) {
        Map<String, String> settings = settings(environment);
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> settings)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        LOG.info("Traces on: exported by {} (OpenTelemetry SDK autoconfiguration)",
                environment.getProperty("otel.traces.exporter"));
        return sdk;
    }

    @Bean
    Tracer camelTracer(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracer("camel");
    }

    @Bean
    ContextPropagators tracePropagators(OpenTelemetry openTelemetry) {
        return openTelemetry.getPropagators();
    }

    /** The hub's defaults, overridden by every {@code otel.*} key of the Spring configuration. */
    static Map<String, String> settings(ConfigurableEnvironment environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("otel.metrics.exporter", "none");
        settings.put("otel.logs.exporter", "none");
        // OTLP over HTTP (the OpenTelemetry specification's default; the Java SDK's is grpc, whose sender,
        // OkHttp with Kotlin, the hub does not ship: the JDK's HTTP client sends)
        settings.put("otel.exporter.otlp.protocol", "http/protobuf");
        String resource = environment.getProperty("otel.resource.attributes", "");
        if (!resource.contains("service.name=")) {
            settings.put("otel.service.name", "storeganise-hub");
        }
        new EnvironmentPropertiesSource.Source(environment).loadProperties(name -> name.startsWith("otel."))
                .forEach((name, value) -> settings.put((String) name, (String) value));
        return settings;
    }

    static final class TracesOn implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return TracingSwitch.tracesOn(context.getEnvironment());
        }
    }
}
