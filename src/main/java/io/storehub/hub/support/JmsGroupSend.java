package io.storehub.hub.support;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable sends of many webhook threads in one JMS transaction per batch ({@link GroupCommit}): the
 * {@code jms:} producer syncs the journal per message. The message is built by camel-jms' binding of
 * the queue's endpoint, as a {@code jms:} producer would. A duplicate ({@code _AMQ_DUPL_ID} seen
 * before) rolls back its batch; sent again alone, a refused duplicate counts as stored (answered false).
 */
public class JmsGroupSend extends GroupCommit<Exchange, Boolean> implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(JmsGroupSend.class);

    private CamelContext camelContext;
    private String queue;
    private OutageBreaker breaker = OutageBreaker.NONE;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();

    // the sender thread's own
    private JmsBinding binding;
    private ConnectionFactory connectionFactory;
    private Connection connection;
    private Session session;
    private MessageProducer producer;

    public JmsGroupSend() {
        super("hub-broker-group-send", 256, 10_000);
    }

    /**
     * Returns once the message is committed: true, or false when the broker refused it as a duplicate of
     * one it holds (the same {@code _AMQ_DUPL_ID}); throws why not; an open breaker throws at once.
     */
    public boolean send(Exchange exchange) throws Exception {
        breaker.admit();
        long wait = AnswerDeadline.remainingMillis(exchange, getTimeoutMillis());
        if (wait <= 0) { // the steps before took the time: not the broker's fault
            throw new JMSException("No time left to store the message before the answer is due");
        }
        // the webhook's trace continues on the consumer, as after a jms: producer (taken on this thread)
        TraceContext.intoMessage(exchange);
        CompletableFuture<Boolean> sent = submit(exchange);
        try {
            boolean stored = sent.get(wait, TimeUnit.MILLISECONDS);
            breaker.succeeded();
            return stored;
        } catch (ExecutionException e) {
            breaker.failed(e.getCause());
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            // not yet begun: dropped; begun: may still be committed (a retry is then refused as a
            // duplicate by the broker and counts as stored)
            sent.cancel(false);
            JMSException timeout = new JMSException("Message not committed by the broker within " + wait + " ms");
            breaker.failed(timeout);
            throw timeout;
        }
    }

    /** Not when the broker could not be reached: each message would wait for it again. */
    @Override
    protected boolean worthSplitting(Exception failure) {
        return !isConnectionFailure(failure);
    }

    /** The broker is unreachable or the connection broke (Artemis' exception types, named in the cause chain). */
    static boolean isConnectionFailure(Throwable failure) {
        return Causes.any(failure, t -> {
            String name = t.getClass().getSimpleName();
            return name.contains("NotConnected") || name.contains("ConnectionTimedOut") || name.contains("Unblocked")
                    || name.contains("ObjectClosed") || name.contains("IllegalState");
        });
    }

    /** A message sent alone whose commit failed: stored if the broker refused it as a duplicate. */
    @Override
    protected void failedAlone(CompletableFuture<Boolean> done, Exception failure) {
        if (isDuplicate(failure)) {
            done.complete(false);
        } else {
            done.completeExceptionally(failure);
        }
    }

    @Override
    protected void afterFailure() {
        close();
    }

    @Override
    protected void stopped() {
        close();
    }

    @Override
    protected List<Boolean> commit(List<Exchange> batch) throws JMSException {
        open();
        try {
            for (Exchange exchange : batch) {
                Message message = binding.makeJmsMessage(exchange, session);
                producer.send(message, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
            }
            session.commit();
            commits.incrementAndGet();
            messages.addAndGet(batch.size());
            return Collections.nCopies(batch.size(), true);
        } catch (JMSException | RuntimeException e) {
            try {
                session.rollback();
            } catch (JMSException | RuntimeException ignored) {
                // the session is closed and opened again by the next batch
            }
            throw e;
        }
    }

    private void open() throws JMSException {
        if (binding == null) {
            JmsEndpoint endpoint = camelContext.getEndpoint("jms:queue:" + queue, JmsEndpoint.class);
            binding = endpoint.getBinding();
            connectionFactory = endpoint.getConfiguration().getOrCreateConnectionFactory();
        }
        if (producer == null) {
            connection = connectionFactory.createConnection();
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createQueue(queue));
        }
    }

    private void close() {
        try {
            if (session != null) {
                session.close();
            }
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException | RuntimeException e) {
            LOG.debug("Closing the broker sender's session: {}", e.toString());
        } finally {
            connection = null;
            session = null;
            producer = null;
        }
    }

    /** Artemis names a refused duplicate in the rollback's cause chain (ActiveMQDuplicateIdException, AMQ229... "Duplicate"). */
    static boolean isDuplicate(Throwable failure) {
        return Causes.any(failure, t -> t.getClass().getSimpleName().contains("DuplicateId")
                || String.valueOf(t.getMessage()).contains("Duplicate message detected"));
    }

    /** Transactions committed since start. */
    public long commits() {
        return commits.get();
    }

    /** Messages committed since start (more than {@link #commits()} when sends were grouped). */
    public long messages() {
        return messages.get();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Optional: remembers a broker failure so the next webhooks are answered 503 at once. */
    public void setBreaker(OutageBreaker breaker) {
        this.breaker = breaker;
    }

    public void setQueue(String queue) {
        this.queue = queue;
    }
}
