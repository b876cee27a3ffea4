package io.storehub.hub.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * An idle keep-alive connection holds its socket's read and write buffers (8 KiB each by default);
 * a webhook is a few KiB, so 4 KiB halves what open connections cost. Spring Boot has no property.
 */
@Configuration(proxyBeanMethods = false)
public class TomcatConnectionBuffers {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> tomcatSocketBuffers(
            @Value("${storeganise.http.socket-buffer-size:4KB}") DataSize size) {
        String bytes = String.valueOf(size.toBytes());
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", bytes);
            connector.setProperty("socket.appWriteBufSize", bytes);
        });
    }
}
