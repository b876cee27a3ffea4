package io.storehub.hub.deliver;

import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;

/** A {@link DestinationRegistry} initialised from flat properties alone, as camel-main would give them. */
final class ConfiguredRegistry {

    private ConfiguredRegistry() {
    }

    /** Each argument is {@code key=value}, or several joined by {@code |}; runs the start-up validation. */
    static DestinationRegistry of(String... properties) {
        DefaultCamelContext camel = new DefaultCamelContext();
        Properties initial = new Properties();
        for (String p : properties) {
            for (String kv : p.split("\\|")) {
                int eq = kv.indexOf('=');
                initial.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        camel.getPropertiesComponent().setInitialProperties(initial);
        DestinationRegistry registry = new DestinationRegistry();
        registry.setCamelContext(camel);
        registry.init();
        return registry;
    }
}
