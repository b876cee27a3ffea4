package io.storehub.hub.console;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.storehub.hub.history.BrokerQueues;
import jakarta.jms.JMSContext;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManagerImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue backlog of the overview, asked of a broker with security on: a user with the manage
 * permission gets it from Artemis management (scheduled retries included), one without it gets it by
 * browsing the queue.
 */
class BrokerQueuesTest {

    private static EmbeddedActiveMQ broker;

    @BeforeAll
    static void startBroker() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(true);
        config.setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://73");
        // name, send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue, deleteNonDurableQueue,
        // manage, browse, createAddress, deleteAddress
        config.putSecurityRoles("#", Set.of(
                new Role("operator", true, true, true, true, true, true, true, true, true, true),
                new Role("worker", true, true, true, true, true, true, false, true, true, true)));
        ActiveMQSecurityManagerImpl security = new ActiveMQSecurityManagerImpl();
        security.getConfiguration().addUser("ops", "ops-pw");
        security.getConfiguration().addRole("ops", "operator");
        security.getConfiguration().addUser("hub", "hub-pw");
        security.getConfiguration().addRole("hub", "worker");
        broker = new EmbeddedActiveMQ();
        broker.setSecurityManager(security);
        broker.setConfiguration(config);
        broker.start();
        try (ActiveMQConnectionFactory cf = factory("ops", "ops-pw"); JMSContext context = cf.createContext()) {
            for (int i = 0; i < 3; i++) {
                context.createProducer().send(context.createQueue("backlog.test"), "waiting " + i);
            }
            context.createProducer().setDeliveryDelay(3_600_000).send(context.createQueue("backlog.test"), "a retry in an hour");
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.stop();
    }

    @Test
    void aUserAllowedToManageGetsTheBacklogFromTheBrokersManagement() throws Exception {
        try (ActiveMQConnectionFactory cf = factory("ops", "ops-pw")) {
            Map<String, Object> queue = new BrokerQueues(cf, "activemq.management").backlog(List.of("backlog.test")).get(0);

            assertThat(queue).containsEntry("source", "management").containsEntry("messages", 4L).containsEntry("scheduled", 1L);
        }
    }

    @Test
    void aUserNotAllowedToManageGetsTheBacklogByBrowsing() throws Exception {
        try (ActiveMQConnectionFactory cf = factory("hub", "hub-pw")) {
            Map<String, Object> queue = new BrokerQueues(cf, "activemq.management").backlog(List.of("backlog.test")).get(0);

            assertThat(queue).containsEntry("source", "browse").containsEntry("messages", 3L);
        }
    }

    private static ActiveMQConnectionFactory factory(String user, String password) {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://73");
        cf.setUser(user);
        cf.setPassword(password);
        return cf;
    }
}
