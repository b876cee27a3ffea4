package io.storehub.hub.support;

/**
 * A configuration the hub refuses to start with. The message is one line that names the setting
 * to fix; on Spring Boot it is printed as the start-up failure description.
 */
public class HubConfigurationException extends IllegalStateException {

    public HubConfigurationException(String message) {
        super(message);
    }
}
