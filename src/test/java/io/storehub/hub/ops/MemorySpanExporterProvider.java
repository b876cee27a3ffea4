package io.storehub.hub.ops;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The span exporter {@code otel.traces.exporter=memory} names in the tests: the SDK's in-memory exporter,
 * found by the OpenTelemetry autoconfiguration through the same service-provider interface as otlp and
 * logging (META-INF/services in src/test/resources), so the test runs the hub's real SDK set-up.
 */
public class MemorySpanExporterProvider implements ConfigurableSpanExporterProvider {

    public static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return new SpanExporter() { // the hub's shutdown must not empty the shared exporter of the next context
            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode export(java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
                return SPANS.export(spans);
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode flush() {
                return SPANS.flush();
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }
        };
    }

    @Override
    public String getName() {
        return "memory";
    }
}
