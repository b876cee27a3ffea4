package io.storehub.hub.boot;

import java.util.Map;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK the hub builds from the OTEL_* settings (through the OpenTelemetry autoconfiguration), per standard exporter. */
class TracingConfigurationTest {

    @ParameterizedTest
    @ValueSource(strings = {"otlp", "logging", "logging-otlp", "otlp,logging"})
    void everyStandardSpanExporterIsAvailable(String exporter) {
        StandardEnvironment environment = environment(Map.of("otel.traces.exporter", exporter,
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:9"));
        assertThat(TracingSwitch.tracesOn(environment)).isTrue();
        try (OpenTelemetrySdk sdk = new TracingConfiguration().openTelemetry(environment)) {
            assertThat(sdk.getSdkTracerProvider().toString()).contains("spanProcessor");
            assertThat(sdk.getTracer("camel").spanBuilder("probe").startSpan().getSpanContext().isValid()).isTrue();
        }
    }

    @Test
    void offUnlessAnExporterIsNamedAndTheSdkIsEnabled() {
        assertThat(TracingSwitch.tracesOn(environment(Map.of()))).isFalse();
        assertThat(TracingSwitch.tracesOn(environment(Map.of("otel.traces.exporter", "none")))).isFalse();
        assertThat(TracingSwitch.tracesOn(environment(Map.of("otel.traces.exporter", "otlp", "otel.sdk.disabled", "true")))).isFalse();
    }

    @Test
    void theHubsDefaultsGiveWayToTheOperatorsSettings() {
        Map<String, String> defaults = TracingConfiguration.settings(environment(Map.of()));
        assertThat(defaults).containsEntry("otel.service.name", "storeganise-hub").containsEntry("otel.metrics.exporter", "none")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf");
        Map<String, String> set = TracingConfiguration.settings(environment(Map.of("otel.service.name", "hub-eu",
                "otel.exporter.otlp.protocol", "grpc")));
        assertThat(set).containsEntry("otel.service.name", "hub-eu").containsEntry("otel.exporter.otlp.protocol", "grpc");
        assertThat(TracingConfiguration.settings(environment(Map.of("otel.resource.attributes", "service.name=from-resource"))))
                .doesNotContainKey("otel.service.name");
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }
}
