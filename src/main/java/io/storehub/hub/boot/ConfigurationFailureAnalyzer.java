package io.storehub.hub.boot;

import io.storehub.hub.support.HubConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused configuration as Spring Boot's short "APPLICATION FAILED TO START" block, not a stack trace. */
public class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<HubConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, HubConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Fix the setting named above in application.yaml or the environment, then start the hub again.", cause);
    }
}
