package io.storehub.hub.deliver;

import java.util.List;
import java.util.Locale;

import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.SettingText;
import org.apache.camel.CamelContext;

/**
 * The mail settings of an email destination (its own, else {@code storeganise.mail.*}), checked and
 * turned into the sender address and the SMTP endpoint URI the email route sends through.
 */
final class MailUris {

    private static final String MAIL = DestinationRegistry.MAIL;

    private final CamelContext camelContext;

    MailUris(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** An e-mail setting of the destination, else storeganise.mail.<key>; null when neither is set. */
    private String mailSetting(String own, String key) {
        String value = own != null ? own : camelContext.getPropertiesComponent().resolveProperty(MAIL + key)
                .map(v -> DestinationFactory.resolve(camelContext, MAIL + key, v)).orElse(null);
        return SettingText.blankToNull(value);
    }

    /** The sender address of an email destination. */
    String from(Settings.DestinationSettings s, String prefix) {
        if (s.to == null || s.to.isEmpty()) {
            throw new HubConfigurationException(prefix + "to is missing: an email destination needs the address(es) to send to.");
        }
        String from = mailSetting(s.from, "from");
        if (from == null) {
            throw new HubConfigurationException(prefix + "from is missing (and no " + MAIL + "from): the sender address of the e-mails.");
        }
        return from;
    }

    /** The smtp:// or smtps:// endpoint URI an email destination sends through. */
    String uri(Settings.DestinationSettings s, String prefix) {
        String host = mailSetting(s.host, "host");
        if (host == null) {
            throw new HubConfigurationException(prefix + "host is missing (and no " + MAIL + "host): the SMTP server to send through.");
        }
        String portText = mailSetting(s.port, "port");
        int port;
        try {
            port = Integer.parseInt(portText == null ? "587" : portText);
        } catch (NumberFormatException e) {
            throw new HubConfigurationException(prefix + "port '" + portText + "' is not a port number.");
        }
        String security = mailSetting(s.security, "security");
        security = (security != null ? security : port == 465 ? "ssl" : port == 587 ? "starttls" : "none").toLowerCase(Locale.ROOT);
        if (!List.of("none", "starttls", "ssl").contains(security)) {
            throw new HubConfigurationException(prefix + "security '" + security + "' must be none, starttls or ssl.");
        }
        String username = mailSetting(s.username, "username");
        String password = mailSetting(s.password, "password");
        StringBuilder uri = new StringBuilder(security.equals("ssl") ? "smtps://" : "smtp://")
                .append(host).append(':').append(port).append("?connectionTimeout=30000")
                // no trace context as MIME headers (docs/operations.md, Traces)
                .append("&headerFilterStrategy=#class:").append(MailHeaderFilter.class.getName());
        if (username != null) {
            uri.append("&username=RAW(").append(username).append(')');
            uri.append("&password=RAW(").append(password == null ? "" : password).append(')');
        }
        if (security.equals("starttls")) {
            uri.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        return uri.toString();
    }
}
