package io.storehub.hub.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * What an open connection costs Tomcat while it is idle between keep-alive requests: its socket's
 * read and write buffers, allocated when it is accepted and kept until it closes (8 KiB each by
 * default, on the heap). A webhook and its answer are a few KiB, so 4 KiB each halves the cost of
 * the connections a busy sender or proxy keeps open (server.tomcat.max-connections of them at most);
 * a larger request is read in more steps. Spring Boot has no property for these.
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
