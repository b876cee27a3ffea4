package io.storehub.hub.support;

import java.util.List;

/**
 * A bean holding configured secret values (tokens, passwords, URLs with secrets in their path), so
 * the history can mask them in the texts it stores without knowing the package that holds them.
 */
public interface SecretSource {

    /** The secret values this bean was configured with, each as written in the configuration. */
    List<String> secrets();
}
