package io.storehub.hub.deliver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.storehub.hub.support.HubConfigurationException;

/**
 * The destinations' message templates ({@code <storeganise.templates.dir>/<kind>/<name><part>.mustache}):
 * which one a delivery uses, and the start-up check that each one configured exists.
 */
final class DestinationTemplates {

    private static final String DESTINATIONS = DestinationRegistry.DESTINATIONS;

    private final Map<String, String> templateCache = new ConcurrentHashMap<>();
    private String templatesDir = "templates";

    String dir() {
        return templatesDir;
    }

    void setDir(String templatesDir) {
        this.templatesDir = templatesDir;
        templateCache.clear();
    }

    void clear() {
        templateCache.clear();
    }

    /** The template of a delivery, as a resource URI: the destination's own, else its event family's, else {@code default}. */
    String template(Destination destination, String family, String part) {
        String kind = kind(destination.type);
        String chosen = destination.settings.template;
        String cacheKey = kind + "/" + (chosen != null ? "=" + chosen : family) + part;
        return templateCache.computeIfAbsent(cacheKey, k -> {
            String name = chosen;
            if (name == null) {
                name = Files.isRegularFile(templateFile(kind, family, part)) ? family : "default";
            }
            return "file:" + templateFile(kind, name, part);
        });
    }

    Path templateFile(String kind, String name, String part) {
        return Path.of(templatesDir, kind, name + part + ".mustache");
    }

    /** The folder of a type's templates: its id, zapier sharing http's. */
    static String kind(Destination.Type type) {
        return type == Destination.Type.ZAPIER ? "http" : type.id();
    }

    static List<String> parts(Destination.Type type) {
        return switch (type) {
            case SLACK, LOG -> List.of("");
            case EMAIL -> List.of(".subject", ".html", ".txt");
            case HTTP, ZAPIER -> List.of(".json");
            case ROUTE -> List.of();
        };
    }

    void check(Collection<Destination> destinations) {
        for (Destination d : destinations) {
            for (String part : parts(d.type)) {
                Path file = templateFile(kind(d.type), d.settings.template != null ? d.settings.template : "default", part);
                if (d.settings.template == null && (d.type == Destination.Type.HTTP || d.type == Destination.Type.ZAPIER)) {
                    continue; // the enriched event as JSON, no template
                }
                if (!Files.isRegularFile(file)) {
                    String key = d.settings.template != null ? DESTINATIONS + d.name + ".template" : "storeganise.templates.dir";
                    throw new HubConfigurationException(key + ": the template " + file + " does not exist (templates are read from "
                            + Path.of(templatesDir).toAbsolutePath() + ").");
                }
            }
        }
    }
}
