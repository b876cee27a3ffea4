package io.storehub.hub.deliver;

import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.camel.spi.PropertiesComponent;

/** Where the destinations' settings are read ({@link DestinationsLoader}): the hub's properties, or one tenant's settings. */
record SettingsSource(Function<Predicate<String>, Properties> lister, Function<String, Optional<String>> resolver) {

    Properties list(Predicate<String> keys) {
        return lister.apply(keys);
    }

    Optional<String> resolve(String key) {
        return resolver.apply(key);
    }

    static SettingsSource of(PropertiesComponent properties) {
        return new SettingsSource(properties::loadProperties, properties::resolveProperty);
    }

    static SettingsSource of(Properties settings) {
        return new SettingsSource(keys -> {
            Properties p = new Properties();
            settings.stringPropertyNames().stream().filter(keys).forEach(k -> p.setProperty(k, settings.getProperty(k)));
            return p;
        }, key -> Optional.ofNullable(settings.getProperty(key)));
    }
}
