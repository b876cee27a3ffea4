package io.storehub.hub.boot;

import java.util.Properties;
import java.util.function.Predicate;

import org.apache.camel.spi.LoadablePropertiesSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Lets Camel list the properties Spring Boot read ({@code PropertiesComponent.loadProperties(filter)},
 * how the destinations are found, as on camel-main). A value with a placeholder Spring cannot resolve
 * is handed over as written, so a Camel simple expression ({@code ${body[invoice][total]} > 0}) survives.
 */
@Configuration(proxyBeanMethods = false)
public class EnvironmentPropertiesSource {

    @Bean
    LoadablePropertiesSource springEnvironmentProperties(ConfigurableEnvironment environment) {
        return new Source(environment);
    }

    static final class Source implements LoadablePropertiesSource {

        private final ConfigurableEnvironment environment;

        Source(ConfigurableEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public String getName() {
            return "spring-environment";
        }

        @Override
        public String getProperty(String name) {
            return null; // single look-ups already go through Spring (SpringPropertiesParser)
        }

        @Override
        public Properties loadProperties() {
            return loadProperties(name -> true);
        }

        @Override
        public Properties loadProperties(Predicate<String> filter) {
            Properties answer = new Properties();
            for (PropertySource<?> source : environment.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        if (!answer.containsKey(name) && filter.test(name)) {
                            String value = value(name, source);
                            if (value != null) {
                                answer.put(name, value);
                            }
                        }
                    }
                }
            }
            return answer;
        }

        private String value(String name, PropertySource<?> source) {
            try {
                return environment.getProperty(name);
            } catch (IllegalArgumentException unresolvable) {
                Object raw = source.getProperty(name);
                return raw == null ? null : raw.toString();
            }
        }

        @Override
        public void reloadProperties(String location) {
            // Spring owns reloading
        }
    }
}
