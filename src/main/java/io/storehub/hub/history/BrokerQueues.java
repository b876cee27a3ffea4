package io.storehub.hub.history;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog of the hub's queues, asked of the broker with Artemis management messages (embedded or
 * external broker alike); a queue the broker does not have yet is empty; without the {@code manage}
 * permission the queue is browsed instead, at most {@value #BROWSE_CAP} messages (docs/console.md).
 */
public class BrokerQueues {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerQueues.class);
    private static final int BROWSE_CAP = 10_000;
    private static final long ANSWER_WAIT_MS = 2_000;

    private final ConnectionFactory connectionFactory;
    private final String managementAddress;

    public BrokerQueues(ConnectionFactory connectionFactory, String managementAddress) {
        this.connectionFactory = connectionFactory;
        this.managementAddress = managementAddress;
    }

    /** One entry per queue: {@code name}, {@code messages}, {@code scheduled}, {@code source} (management or browse). */
    public List<Map<String, Object>> backlog(List<String> queues) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (JMSContext context = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue management = context.createQueue(managementAddress);
            Queue replies = context.createTemporaryQueue();
            try (JMSConsumer answers = context.createConsumer(replies)) {
                for (String queue : queues) {
                    Long messages = attribute(context, management, replies, answers, queue, "messageCount");
                    out.add(messages != null
                            ? row(queue, messages, attribute(context, management, replies, answers, queue, "scheduledCount"), "management")
                            : row(queue, browse(context, queue), null, "browse"));
                }
            }
        } catch (Exception e) {
            LOG.debug("Queue backlog not available: {}", e.toString());
            queues.forEach(queue -> out.add(row(queue, null, null, "unavailable")));
        }
        return out;
    }

    private static Map<String, Object> row(String queue, Long messages, Long scheduled, String source) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("name", queue);
        q.put("messages", messages);
        q.put("scheduled", scheduled);
        q.put("source", source);
        return q;
    }

    private static Long attribute(JMSContext context, Queue management, Queue replies, JMSConsumer answers, String queue, String attribute) {
        try {
            Message request = context.createMessage();
            JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, attribute);
            request.setJMSReplyTo(replies);
            context.createProducer().send(management, request);
            Message answer = answers.receive(ANSWER_WAIT_MS);
            if (answer == null) {
                return null;
            }
            Object result = JMSManagementHelper.getResult(answer);
            if (!JMSManagementHelper.hasOperationSucceeded(answer)) {
                // refused (no manage permission): browse instead; otherwise the queue does not exist yet, so it is empty
                String error = String.valueOf(result);
                return error.contains("permission") || error.contains("AMQ229213") ? null : 0L;
            }
            return result instanceof Number n ? n.longValue() : result == null ? null : Long.parseLong(result.toString());
        } catch (Exception e) {
            LOG.debug("Management request {} of {} refused: {}", attribute, queue, e.toString());
            return null;
        }
    }

    private static Long browse(JMSContext context, String queue) {
        try (QueueBrowser browser = context.createBrowser(context.createQueue(queue))) {
            long n = 0;
            Enumeration<?> messages = browser.getEnumeration();
            while (n < BROWSE_CAP && messages.hasMoreElements()) {
                messages.nextElement();
                n++;
            }
            return n;
        } catch (Exception e) {
            return null;
        }
    }
}
