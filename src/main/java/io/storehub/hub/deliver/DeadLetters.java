package io.storehub.hub.deliver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

import io.storehub.hub.ingest.EntityKey;
import io.storehub.hub.support.ErrorResponder;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.RetryPolicy;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.history.TextScrub;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists and replays the deliveries parked in the deliveries dead letter queue. A replay moves the selected
 * messages (a JMS selector built from validated input only) back to the deliveries queue in local JMS
 * transactions, so a crash leaves each either parked or queued, never lost nor doubled, with fresh attempts:
 * the failure headers dropped, {@code SgReplayedAt} added. Plain JMS because Camel has no transactional
 * "move what matches a selector"; a JMSContext of its own, so no cached consumer lingers holding parked messages.
 */
public class DeadLetters implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final Pattern MESSAGE_ID = Pattern.compile("ID:[A-Za-z0-9._:-]{1,100}");
    /** Headers of a failed attempt; a replayed delivery starts afresh without them. */
    private static final Set<String> FAILURE_HEADERS = Set.of(Headers.ATTEMPT, Headers.FAILURE_REASON, Headers.FAILED_ROUTE,
            Headers.FAILED_AT, RetryPolicy.LAST_STATUS, RetryPolicy.NEXT_ATTEMPT_AT, RetryPolicy.ACTION, RateLimits.SLOT);
    private static final int BATCH = 100;

    private CamelContext camelContext;
    private EventHistory history;
    private TextScrub scrub;
    private ConnectionFactory connectionFactory;
    private EntityLanes lanes;
    private String queue = "storeganise.deliveries";
    private String deadLetterQueue = "storeganise.deliveries.DLQ";

    /** POST /admin/replay: {@code destination} and one of {@code eventId}, {@code from}/{@code to}, {@code all=true}. */
    public void replay(Exchange exchange) throws Exception {
        AccessScope scope = AccessScope.of(exchange);
        Map<String, String> in = ReplayRequest.input(exchange, scope);
        String destination = in.get("destination");
        if (destination == null) {
            throw new HttpRejection(400, "destination_required", "Name the destination whose parked deliveries to replay: destination=<name>.");
        }
        boolean all = "true".equalsIgnoreCase(in.get("all"));
        if (!all && in.get("eventId") == null && in.get("from") == null && in.get("to") == null) {
            throw new HttpRejection(400, "selection_required",
                    "Say which parked deliveries to replay: eventId=<id>, a time range from=/to= (ISO-8601, when they were parked), or all=true.");
        }
        String selector = ReplayRequest.selector(in, scope);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("replayed", replay(selector, exchange.getProperty(EventHistory.ACTOR, "admin API", String.class)));
        answer.put("destination", destination);
        answer.put("selector", selector);
        ErrorResponder.answer(exchange, 200, answer);
    }

    /** Moves every parked delivery the selector matches back to the delivery queue ({@link #move}); answers how many. */
    private int replay(String selector, String actor) throws JMSException {
        int replayed = move(selector, actor, Integer.MAX_VALUE);
        LOG.info("Replayed {} parked deliveries ({})", replayed, selector);
        return replayed;
    }

    /** Once {@code expected} messages are moved it only takes what the broker has at once, so a batch of known deliveries ends without a timeout. */
    int move(String selector, String actor, int expected) throws JMSException {
        int replayed = 0;
        List<String[]> moved = new ArrayList<>();
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            Queue source = context.createQueue(deadLetterQueue);
            Queue target = context.createQueue(queue);
            JMSProducer producer = context.createProducer().setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
            try (JMSConsumer consumer = context.createConsumer(source, selector)) {
                Message parked;
                while ((parked = replayed >= expected ? consumer.receiveNoWait() : consumer.receive(300)) != null) {
                    if (lanes != null) { // an ordered delivery waits again at its place in its entity's lane
                        lanes.unpark(parked.getStringProperty(DestinationRegistry.DESTINATION),
                                parked.getStringProperty(EntityKey.HEADER), parked.getStringProperty(Headers.EVENT_ID));
                    }
                    producer.send(target, copyForReplay(context, parked));
                    moved.add(new String[] {parked.getStringProperty(Headers.EVENT_ID), parked.getStringProperty(Headers.EVENT_TYPE),
                            parked.getStringProperty(DestinationRegistry.DESTINATION),
                            parked.propertyExists(Headers.RECEIVED_AT) ? String.valueOf(parked.getObjectProperty(Headers.RECEIVED_AT)) : null});
                    if (++replayed % BATCH == 0) {
                        commit(context, moved, actor);
                    }
                }
            }
            commit(context, moved, actor);
        }
        return replayed;
    }

    /** Recorded in the history before the commit, so the replay precedes in the timeline the attempt it leads to. */
    private void commit(JMSContext context, List<String[]> moved, String actor) {
        EventHistory h = history();
        if (h != null) {
            for (String[] m : moved) {
                h.replayed(m[0], m[1], m[3] == null ? null : Long.valueOf(m[3]), m[2], actor);
            }
        }
        moved.clear();
        context.commit();
    }

    /** The console: replays the parked deliveries with these JMS message ids (as {@link #parkedList} shows them) in the scope. */
    public int replayMessages(List<String> messageIds, AccessScope scope, String actor) throws JMSException {
        if (messageIds.stream().anyMatch(id -> !MESSAGE_ID.matcher(id).matches())) {
            throw new HttpRejection(400, "invalid_message_id", "Select parked deliveries from the list (message ids like ID:...).");
        }
        List<String> quoted = messageIds.stream().map(id -> "'" + id + "'").toList();
        if (quoted.isEmpty()) {
            throw new HttpRejection(400, "selection_required", "Select at least one parked delivery to replay.");
        }
        String own = scope.selector(DestinationRegistry.DESTINATION);
        int replayed = move("JMSMessageID IN (" + String.join(",", quoted) + ")" + (own == null ? "" : " AND " + own), actor, Integer.MAX_VALUE);
        LOG.info("Replayed {} selected parked deliveries", replayed);
        return replayed;
    }

    /** Bulk replay ({@link BulkReplay}): the parked deliveries of these events to this destination (one no longer parked is not found). */
    public int replayEvents(String destination, List<String> eventIds, String actor) throws JMSException {
        if (destination == null || !AccessScope.DESTINATION.matcher(destination).matches()) {
            throw new HttpRejection(400, "invalid_destination", "destination must be a destination name (letters, digits, - and _).");
        }
        List<String> quoted = eventIds.stream().filter(id -> id != null && AccessScope.EVENT_ID.matcher(id).matches())
                .map(id -> "'" + id + "'").toList();
        if (quoted.isEmpty()) {
            return 0;
        }
        return move(DestinationRegistry.DESTINATION + " = '" + destination + "' AND " + Headers.EVENT_ID + " IN (" + String.join(",", quoted) + ")",
                actor, quoted.size());
    }

    /** The console: replays every parked delivery of a destination, or only those of one event when eventId is given (in the scope). */
    public int replayDestination(String destination, String eventId, AccessScope scope, String actor) throws JMSException {
        if (destination == null) {
            throw new HttpRejection(400, "destination_required", "Name the destination whose parked deliveries to replay.");
        }
        Map<String, String> in = new LinkedHashMap<>();
        in.put("destination", scope.qualified(destination));
        if (eventId != null) {
            in.put("eventId", scope.qualified(eventId));
        }
        return replay(ReplayRequest.selector(in, scope), actor);
    }

    /** The console: parked deliveries in the scope (of one destination, or all when null), at most {@code limit}, with the total. */
    public Map<String, Object> parkedList(AccessScope scope, String destination, int limit) throws JMSException {
        Map<String, String> in = new LinkedHashMap<>();
        if (destination != null) {
            in.put("destination", scope.qualified(destination));
        }
        return page(ReplayRequest.selector(in, scope), limit, at -> Instant.ofEpochMilli(at).toString());
    }

    /** How many deliveries are parked, per destination the scope sees. */
    public Map<String, Integer> parkedCounts(AccessScope scope) throws JMSException {
        List<Map<String, Object>> parked = new ArrayList<>();
        browse(null, Integer.MAX_VALUE, parked, null);
        Map<String, Integer> counts = new TreeMap<>();
        for (Map<String, Object> d : parked) {
            if (scope.sees((String) d.get("destination"))) {
                counts.merge(String.valueOf(d.get("destination")), 1, Integer::sum);
            }
        }
        return counts;
    }

    private TextScrub scrub() {
        if (scrub == null) {
            scrub = TextScrub.from(camelContext);
        }
        return scrub;
    }

    private EventHistory history() {
        if (history == null && camelContext != null) {
            history = camelContext.getRegistry().findSingleByType(EventHistory.class);
        }
        return history;
    }

    /** GET /admin/dead-letters: the parked deliveries, optionally of one {@code destination}, at most {@code limit}. */
    public void list(Exchange exchange) throws Exception {
        AccessScope scope = AccessScope.of(exchange);
        Map<String, String> in = ReplayRequest.input(exchange, scope);
        int limit = Math.max(1, Math.min(1000, ReplayRequest.parseInt(in.getOrDefault("limit", "100"))));
        ErrorResponder.answer(exchange, 200, page(ReplayRequest.selector(in, scope), limit, null));
    }

    /** {@code count} and the first {@code limit} parked deliveries the selector matches ({@code deadLetters}). */
    private Map<String, Object> page(String selector, int limit, LongFunction<Object> parkedAt) throws JMSException {
        List<Map<String, Object>> items = new ArrayList<>();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", browse(selector, limit, items, parkedAt));
        answer.put("deadLetters", items);
        return answer;
    }

    /**
     * Describes into {@code items} the first {@code limit} parked deliveries the selector matches (null: all), with
     * {@code parkedAt} (their JMSTimestamp) as {@code parkedAt} gives it, unless null; answers how many match.
     */
    private int browse(String selector, int limit, List<Map<String, Object>> items, LongFunction<Object> parkedAt) throws JMSException {
        int total = 0;
        try (JMSContext context = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = context.createBrowser(context.createQueue(deadLetterQueue), selector)) {
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                Message m = (Message) e.nextElement();
                total++;
                if (items.size() < limit) {
                    Map<String, Object> d = describe(m);
                    if (parkedAt != null) {
                        d.put("parkedAt", parkedAt.apply(m.getJMSTimestamp()));
                    }
                    items.add(d);
                }
            }
        }
        return total;
    }

    private Map<String, Object> describe(Message m) throws JMSException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", m.getJMSMessageID());
        d.put("destination", m.getStringProperty(DestinationRegistry.DESTINATION));
        d.put("eventId", m.getStringProperty(Headers.EVENT_ID));
        d.put("eventType", m.getStringProperty(Headers.EVENT_TYPE));
        d.put("attempts", m.getObjectProperty(Headers.ATTEMPT));
        d.put("lastStatus", m.getObjectProperty(RetryPolicy.LAST_STATUS));
        // a destination's answer may quote a URL or a token: shown scrubbed, as the event history stores it
        d.put("reason", scrub().clean(m.getStringProperty(Headers.FAILURE_REASON)));
        d.put("failedAt", m.getStringProperty(Headers.FAILED_AT));
        return d;
    }

    private static Message copyForReplay(JMSContext context, Message parked) throws JMSException {
        Message copy;
        if (parked instanceof TextMessage text) {
            copy = context.createTextMessage(text.getText());
        } else if (parked instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            BytesMessage b = context.createBytesMessage();
            b.writeBytes(body);
            copy = b;
        } else {
            throw new HttpRejection(500, "unsupported_message", "A parked message is neither text nor bytes: " + parked.getJMSMessageID());
        }
        for (Object n : Collections.list(parked.getPropertyNames())) {
            String name = (String) n;
            if (!FAILURE_HEADERS.contains(name) && !name.startsWith("_AMQ") && !name.startsWith("JMSX")) {
                copy.setObjectProperty(name, parked.getObjectProperty(name));
            }
        }
        copy.setStringProperty("SgReplayedAt", Instant.now().toString());
        return copy;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setLanes(EntityLanes lanes) {
        this.lanes = lanes;
    }

    public void setConnectionFactory(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    public void setQueue(String queue) {
        this.queue = queue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }
}
