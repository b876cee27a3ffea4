package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.storehub.hub.history.AuditLog;
import io.storehub.hub.history.DeliveryMatches;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.ErrorResponder;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk replay by filter ({@code POST /admin/deliveries/replay}, the console's replay form; docs/operations.md):
 * the deliveries of one destination a {@link ReplayFilter} matches in the history are counted, sampled (dry
 * run) or replayed: the parked ones moved back by {@link DeadLetters} a page of event ids at a time; one
 * waiting for its next attempt is counted as {@code waiting}, never sent twice. One audit entry per replay;
 * one longer than {@code answerWithin} goes on in the background (202, {@code running: true}).
 */
public class BulkReplay implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(BulkReplay.class);
    private static final int SAMPLE_SIZE = 10;

    private CamelContext camelContext;
    private DataSource dataSource;
    private DeadLetters deadLetters;
    private DeliveryMatches matches;
    private AuditLog audit;
    private int batchSize = 200;
    private Duration answerWithin = Duration.ofSeconds(20);
    private ExecutorService executor;

    /** POST /admin/deliveries/replay with the JSON filter: a dry run answers the count and a sample, otherwise it replays. */
    public void replay(Exchange exchange) throws Exception {
        ReplayFilter filter = filter(ReplayFilter.fromJson(exchange.getIn().getBody(String.class)), AccessScope.of(exchange));
        Map<String, Object> answer = run(filter, exchange.getProperty(EventHistory.ACTOR, "admin API", String.class));
        ErrorResponder.answer(exchange, Boolean.TRUE.equals(answer.get("running")) ? 202 : 200, answer);
    }

    /** Validates the filter's fields (400 with a JSON reason when one is wrong), its destination one the scope sees. */
    public ReplayFilter filter(Map<String, String> fields, AccessScope scope) {
        return ReplayFilter.parse(fields, camelContext.getRegistry().findSingleByType(DestinationRegistry.class), scope);
    }

    /** The dry run ({@code matched}, {@code sample}) or the replay ({@code matched}, {@code replayed}, {@code notFound}, {@code waiting}, {@code running}). */
    public Map<String, Object> run(ReplayFilter f, String actor) throws Exception {
        Map<String, Object> answer = new LinkedHashMap<>();
        long matched = matches().count(f.filter());
        answer.put("matched", matched);
        if (f.dryRun()) {
            List<Map<String, Object>> sample = new ArrayList<>();
            for (DeliveryMatches.Match m : matches().page(f.filter(), null, SAMPLE_SIZE)) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("eventId", m.eventId());
                s.put("type", m.type());
                s.put("lastError", m.lastError());
                s.put("at", m.at() == null ? null : m.at().toString());
                s.put("receivedAt", m.receivedAt() == null ? null : m.receivedAt().toString());
                sample.add(s);
            }
            answer.put("sample", sample);
            answer.put("filter", f.asFields());
            return answer;
        }
        AtomicInteger replayed = new AtomicInteger();
        Future<Long> job = executor().submit(() -> replayAll(f, matched, actor, replayed));
        try {
            long parkedMatched = job.get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
            answer.put("replayed", replayed.get());
            if (f.filter().statuses().size() > 1) {
                answer.put("waiting", Math.max(0, matched - parkedMatched));
            }
            // parked in the history but not taken from the dead letter queue: replayed meanwhile (the history
            // is written a moment later), or not visible to the move yet (a paged queue, docs/operations.md)
            answer.put("notFound", Math.max(0, parkedMatched - replayed.get()));
        } catch (TimeoutException stillRunning) {
            // a large set: it goes on in the background (the audit entry says the total when it is done)
            answer.put("replayed", replayed.get());
            answer.put("running", true);
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof Exception e ? e : failed;
        }
        answer.put("filter", f.asFields());
        return answer;
    }

    /** Moves the matched parked deliveries a page at a time, counting into {@code replayed}; then the audit entry. Answers how many matched parked. */
    private long replayAll(ReplayFilter f, long matched, String actor, AtomicInteger replayed) throws Exception {
        DeliveryMatches.Filter parked = f.filter().only("parked");
        long parkedMatched = f.filter().statuses().size() > 1 ? matches().count(parked) : matched;
        DeliveryMatches.Match after = null;
        List<DeliveryMatches.Match> page;
        try {
            do {
                page = matches().page(parked, after, batchSize);
                if (!page.isEmpty()) {
                    List<String> ids = page.stream().map(DeliveryMatches.Match::eventId).toList();
                    replayed.addAndGet(deadLetters.replayEvents(f.filter().destination(), ids, actor));
                    after = page.get(page.size() - 1);
                }
            } while (page.size() == batchSize);
        } finally { // also when it stopped half-way: what was moved is recorded
            audit().record(actor, "bulk-replay", f.filter().destination(), replayed.get(),
                    f.describe() + ": " + matched + " matched, " + replayed.get() + " replayed");
            LOG.info("Bulk replay by {} ({}): {} matched, {} replayed", actor, f.describe(), matched, replayed.get());
        }
        return parkedMatched;
    }

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = camelContext.getExecutorServiceManager().newCachedThreadPool(this, "bulk-replay");
        }
        return executor;
    }

    /** The latest bulk replays of the destinations the scope sees, newest first (the console's dead-letters page). */
    public List<Map<String, Object>> latest(int limit, AccessScope scope) throws Exception {
        return audit().latest(scope.isAll() ? limit : limit * 20).stream()
                .filter(e -> scope.sees((String) e.get("destination"))).limit(limit).toList();
    }

    private DeliveryMatches matches() {
        if (matches == null) {
            matches = new DeliveryMatches(dataSource);
        }
        return matches;
    }

    private AuditLog audit() {
        if (audit == null) {
            audit = new AuditLog(dataSource);
        }
        return audit;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setDeadLetters(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** How many event ids one step of a replay reads and moves (one JMS selector, one keyset page). */
    public void setBatchSize(int batchSize) {
        this.batchSize = Math.max(1, batchSize);
    }

    /** ISO-8601: the longest a replay request waits for the replay; a larger one goes on in the background (202, running). */
    public void setAnswerWithin(String answerWithin) {
        this.answerWithin = Duration.parse(answerWithin);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
