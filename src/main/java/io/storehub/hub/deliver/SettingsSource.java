package io.storehub.hub.deliver;

import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.camel.spi.PropertiesComponent;

/** Where the destinations' settings are read ({@link DestinationsLoader}): the hub's properties, or one tenant's settings. */
interface SettingsSource {

    Properties list(Predicate<String> keys);

    Optional<String> resolve(String key);

    static SettingsSource of(PropertiesComponent properties) {
        return new SettingsSource() {
            @Override
            public Properties list(Predicate<String> keys) {
                return properties.loadProperties(keys);
            }

            @Override
            public Optional<String> resolve(String key) {
                return properties.resolveProperty(key);
            }
        };
    }

    static SettingsSource of(Properties settings) {
        return new SettingsSource() {
            @Override
            public Properties list(Predicate<String> keys) {
                Properties p = new Properties();
                settings.stringPropertyNames().stream().filter(keys).forEach(k -> p.setProperty(k, settings.getProperty(k)));
                return p;
            }

            @Override
            public Optional<String> resolve(String key) {
                return Optional.ofNullable(settings.getProperty(key));
            }
        };
    }
}
