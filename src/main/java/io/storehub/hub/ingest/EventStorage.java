package io.storehub.hub.ingest;

import io.storehub.hub.support.AnswerDeadline;
import io.storehub.hub.support.TraceContext;
import io.storehub.hub.support.EventOutbox;
import io.storehub.hub.support.JmsGroupSend;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a webhook's event before it is acknowledged: in the events queue, else in the database's
 * {@link EventOutbox} (not for an event admitted without the dedupe lookup: the database is down).
 * Answers the webhook's outcome: {@code accepted}, or {@code duplicate} when the broker (or the outbox) refused
 * it as a copy of an event it holds (a retry that came before the event's dispatch recorded its id). Throws the broker's
 * failure (503 not_stored) when neither took it.
 */
public class EventStorage {

    private static final Logger LOG = LoggerFactory.getLogger(EventStorage.class);

    private JmsGroupSend broker;
    private EventOutbox outbox;
    private long fallbackMillis = 500;
    private boolean outboxEnabled = true;

    public String store(Exchange exchange) throws Exception {
        try {
            return broker.send(exchange) ? "accepted" : "duplicate";
        } catch (Exception brokerFailure) {
            if (!outboxEnabled || outbox == null || DeferredDedupe.isPending(exchange)) {
                throw brokerFailure;
            }
            AnswerDeadline.extend(exchange, fallbackMillis);
            try {
                TraceContext.intoMessage(exchange); // the forwarded message continues the webhook's trace
                return outbox.store(exchange) ? "accepted" : "duplicate";
            } catch (Exception outboxFailure) {
                LOG.debug("Event not stored: broker ({}), outbox ({})", brokerFailure, outboxFailure.toString());
                brokerFailure.addSuppressed(outboxFailure);
                throw brokerFailure;
            }
        }
    }

    public void setBroker(JmsGroupSend broker) {
        this.broker = broker;
    }

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
