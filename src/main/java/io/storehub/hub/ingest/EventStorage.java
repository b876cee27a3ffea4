package io.storehub.hub.ingest;

import io.storehub.hub.support.AnswerDeadline;
import io.storehub.hub.support.TraceContext;
import io.storehub.hub.support.EventOutbox;
import io.storehub.hub.support.JmsGroupSend;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a webhook's event durably in either store before it is acknowledged: in the events queue
 * ({@link JmsGroupSend}, as always while the broker is up: nothing more is done then), or, when the
 * broker cannot take it (its breaker open, the send failed or timed out), in the database's outbox
 * ({@link EventOutbox}), from which it is forwarded to the queue once the broker is back. An event
 * admitted without the dedupe lookup ({@link DeferredDedupe}: the database is down) has only the broker.
 * Throws the broker's failure (answered 503 not_stored) when neither store took the event.
 */
public class EventStorage {

    private static final Logger LOG = LoggerFactory.getLogger(EventStorage.class);

    private JmsGroupSend broker;
    private EventOutbox outbox;
    private long fallbackMillis = 500;
    private boolean outboxEnabled = true;

    public void store(Exchange exchange) throws Exception {
        try {
            broker.send(exchange);
        } catch (Exception brokerFailure) {
            if (!outboxEnabled || outbox == null || DeferredDedupe.isPending(exchange)) {
                throw brokerFailure;
            }
            AnswerDeadline.extend(exchange, fallbackMillis);
            try {
                TraceContext.intoMessage(exchange); // the forwarded message continues the webhook's trace
                outbox.store(exchange);
            } catch (Exception outboxFailure) {
                LOG.debug("Event not stored: broker ({}), outbox ({})", brokerFailure, outboxFailure.toString());
                brokerFailure.addSuppressed(outboxFailure);
                throw brokerFailure;
            }
        }
    }

    /** The events queue's sender (bean {@code eventQueueSender}). */
    public void setBroker(JmsGroupSend broker) {
        this.broker = broker;
    }

    /** The database's outbox (bean {@code eventOutbox}). */
    public void setOutbox(EventOutbox outbox) {
        this.outbox = outbox;
    }

    /** Time added to the webhook's answer deadline for the outbox after a failed send (default 500 ms). */
    public void setFallbackMillis(long fallbackMillis) {
        this.fallbackMillis = Math.max(0, fallbackMillis);
    }

    /** false: a broker outage is answered 503 as before. */
    public void setOutboxEnabled(boolean outboxEnabled) {
        this.outboxEnabled = outboxEnabled;
    }
}
