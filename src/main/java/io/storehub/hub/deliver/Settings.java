package io.storehub.hub.deliver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.javaprop.JavaPropsMapper;
import com.fasterxml.jackson.dataformat.javaprop.JavaPropsSchema;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.SettingText;

/**
 * The typed form of {@code storeganise.destinations.*}, {@code .subscriptions[*]} and {@code .recipes.*},
 * bound from flat properties by Jackson's properties mapper (so indexed keys, kebab-case names and lists
 * flattened by Spring or written in a .properties file bind alike); a binding error names the key.
 */
final class Settings {

    /** One destination's settings; which of them a type accepts is {@link Destination.Type}'s list. */
    static final class DestinationSettings {
        public String type;
        public String template;
        public String rateLimit;
        public Boolean ordered;
        // slack
        public String webhookUrl;
        public String token;
        public String channel;
        public String apiUrl;
        public String username;
        public String iconEmoji;
        // email
        @JsonDeserialize(using = CommaList.class)
        public List<String> to;
        @JsonDeserialize(using = CommaList.class)
        public List<String> cc;
        @JsonDeserialize(using = CommaList.class)
        public List<String> bcc;
        public String from;
        public String replyTo;
        public String host;
        public String port;
        public String security;
        public String password;
        // http, zapier
        public String url;
        public String method;
        public Map<String, String> headers;
        public Auth auth;
        @JsonDeserialize(using = CommaList.class)
        public List<String> signingSecret;
        public Boolean flatten;
        // http
        public Boolean propagateTrace;
        // log
        public String level;
        // route
        public String endpoint;
    }

    static final class Auth {
        public String bearer;
        public String username;
        public String password;
    }

    static final class SubscriptionSettings {
        @JsonDeserialize(using = CommaList.class)
        public List<String> events;
        @JsonDeserialize(using = CommaList.class)
        public List<String> to;
        public String filter;
    }

    /** A recipe: the switch, the subscription overrides, and its own settings (checked against the catalog). */
    static final class RecipeSettings {
        public Boolean enabled;
        @JsonDeserialize(using = CommaList.class)
        public List<String> events;
        public String filter;
        final Map<String, String> settings = new LinkedHashMap<>();

        @JsonAnySetter
        void set(String name, JsonNode value) {
            if (value != null && value.isValueNode()) {
                settings.put(name, value.asText());
            }
        }
    }

    /** A list written as a YAML/indexed list ({@code to[0]}) or as one comma-separated value ({@code to=a, b}, as in an environment variable). */
    static final class CommaList extends StdDeserializer<List<String>> {
        CommaList() {
            super(List.class);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.START_ARRAY) {
                List<String> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!p.currentToken().isScalarValue()) {
                        return (List<String>) ctxt.handleUnexpectedToken(List.class, p);
                    }
                    items.add(p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText().trim());
                }
                return items;
            }
            if (!p.currentToken().isScalarValue()) {
                return (List<String>) ctxt.handleUnexpectedToken(List.class, p);
            }
            return Arrays.stream(p.getText().split(",")).filter(item -> !item.isBlank()).map(String::trim).toList();
        }
    }

    private static final JavaPropsMapper PROPERTIES = new JavaPropsMapper();
    // "[i]" marks list items; a plain numeric segment stays a name (a destination may be called "2")
    private static final JavaPropsSchema SCHEMA = JavaPropsSchema.emptySchema().withParseSimpleIndexes(false);
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Settings() {
    }

    /** The tree of the properties under {@code prefix} (e.g. {@code storeganise.}), as objects and arrays of text values. */
    static ObjectNode tree(Properties flat, String prefix) {
        Properties stripped = new Properties();
        for (String key : flat.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                stripped.setProperty(key.substring(prefix.length()), flat.getProperty(key));
            }
        }
        try {
            JsonNode tree = PROPERTIES.readPropertiesAs(stripped, SCHEMA, JsonNode.class);
            return tree instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        } catch (IOException e) {
            throw new HubConfigurationException(prefix + "*: the configuration could not be read: " + e.getMessage());
        }
    }

    /**
     * Binds {@code node} to {@code type}; a value of the wrong form stops the start naming its key. An unknown setting
     * is refused by {@code unknown}, given its full key and its name.
     */
    static <T> T bind(JsonNode node, Class<T> type, String key, BiFunction<String, String, HubConfigurationException> unknown) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            String at = key + path(e);
            throw unknown.apply(at + firstLeaf(node, e), e.getPropertyName());
        } catch (InvalidFormatException e) {
            String at = key + path(e);
            if (e.getTargetType() == Boolean.class || e.getTargetType() == boolean.class) {
                throw new HubConfigurationException(at + " '" + e.getValue() + "' must be true or false.");
            }
            throw new HubConfigurationException(at + " '" + e.getValue() + "' is not a valid value.");
        } catch (MismatchedInputException e) {
            String at = key + path(e);
            String expected = List.class.isAssignableFrom(e.getTargetType()) ? "a value or a list of values"
                    : Map.class.isAssignableFrom(e.getTargetType()) || !e.getTargetType().getName().startsWith("java.")
                    ? "a group of settings (" + at.substring(at.lastIndexOf('.') + 1) + ".<name>: value)" : "a single value";
            throw new HubConfigurationException(at + " must be " + expected + ".");
        } catch (JsonMappingException e) {
            throw new HubConfigurationException(key + path(e) + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new HubConfigurationException(key + ": " + firstLine(e.getMessage()));
        }
    }

    /** {@code .a.b[2]} for the path of a binding error (list items as [i], names after a dot). */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** For an unknown group such as {@code headers} given to an email destination: the first key inside it, as written. */
    private static String firstLeaf(JsonNode root, JsonMappingException e) {
        JsonNode node = root;
        for (JsonMappingException.Reference r : e.getPath()) {
            node = node == null ? null : r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
        }
        return firstLeaf(node);
    }

    /** {@code .X-Source} for {@code {"X-Source": "hub"}}, {@code [0]} for a list: the path to the first value inside a group. */
    static String firstLeaf(JsonNode group) {
        StringBuilder more = new StringBuilder();
        JsonNode node = group;
        while (node != null && node.isContainerNode() && !node.isEmpty()) {
            if (node.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                Map.Entry<String, JsonNode> first = fields.next();
                more.append('.').append(first.getKey());
                node = first.getValue();
            } else {
                more.append("[0]");
                node = node.get(0);
            }
        }
        return more.toString();
    }

    /** {@link SettingText#firstLine}, "invalid" for none. */
    static String firstLine(String message) {
        return message == null ? "invalid" : SettingText.firstLine(message);
    }
}
