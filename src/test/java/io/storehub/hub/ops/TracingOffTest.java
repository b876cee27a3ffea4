package io.storehub.hub.ops;

import io.opentelemetry.api.OpenTelemetry;
import io.storehub.hub.support.HubTestSupport;
import org.apache.camel.telemetry.Tracer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Without OTEL_TRACES_EXPORTER the hub traces nothing and installs no tracer at all (docs/operations.md, Traces). */
class TracingOffTest extends HubTestSupport {

    @Autowired
    ApplicationContext spring;

    @Test
    void byDefaultNoTracerIsInstalledAndNoSdkIsBuilt() {
        assertThat(camelContext.hasService(Tracer.class)).isNull();
        assertThat(camelContext.getRoutePolicyFactories()).noneMatch(Tracer.class::isInstance);
        assertThat(spring.getBeanNamesForType(OpenTelemetry.class)).isEmpty();
    }
}
