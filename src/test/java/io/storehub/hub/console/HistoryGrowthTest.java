package io.storehub.hub.console;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.history.DeliveryRecord;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.DatabaseSchema;
import io.storehub.hub.support.JdbcGroupCommit;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What 1,000 events add to the embedded H2 database file (figure in docs/console.md): each event as
 * the hooks record it on the real path (webhook received, enriched move-in with a 2.6 KB body and
 * six entity ids, queued to two destinations, one failed and two delivered attempts, the latter as their
 * success records), with and without the enriched bodies: the data (the compacted file's growth) and the
 * file right after the burst (H2's copy-on-write store leaves free space it reuses later).
 */
class HistoryGrowthTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final CamelContext CAMEL = new DefaultCamelContext();

    @TempDir
    Path dir;

    @Test
    void aThousandEventsGrowTheDatabaseByAFewMegabytes() throws Exception {
        long[] withBodies = growthPerThousand(true);
        long[] withoutBodies = growthPerThousand(false);
        System.out.printf("History growth per 1,000 events on H2, with enriched bodies: %.2f MB of data (file %.2f MB larger right"
                + " after the burst, before H2 reuses or compacts its free space); without bodies: %.2f MB (file %.2f MB)%n",
                withBodies[0] / 1e6, withBodies[1] / 1e6, withoutBodies[0] / 1e6, withoutBodies[1] / 1e6);

        assertThat(withBodies[0]).isLessThan(5_000_000);
        assertThat(withBodies[1]).isLessThan(30_000_000);
        assertThat(withoutBodies[0]).isLessThan(withBodies[0]);
    }

    /** {data growth (compacted file before and after), file growth right after writing} for 1,000 events. */
    private long[] growthPerThousand(boolean bodies) throws Exception {
        Path db = dir.resolve(bodies ? "with" : "without");
        String url = "jdbc:h2:file:" + db.resolve("hub") + ";DB_CLOSE_ON_EXIT=FALSE";
        write(url, bodies, 200, "SHUTDOWN COMPACT"); // the schema and a first few pages, as on any running hub
        long before = size(db);
        write(url, bodies, 1000, "SHUTDOWN");
        long burst = size(db) - before;
        write(url, bodies, 0, "SHUTDOWN COMPACT");
        return new long[] {size(db) - before, burst};
    }

    private static void write(String url, boolean bodies, int events, String shutdown) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("sa");
        // held open as the hub's pool does: without a pool H2 closes the file with the last connection, and
        // three threads opening and closing it at once (main, history writer, group commit) race with that
        Connection held = dataSource.getConnection();
        DatabaseSchema schema = new DatabaseSchema();
        schema.setDataSource(dataSource);
        schema.migrate();
        EventHistory history = new EventHistory();
        history.setDataSource(dataSource);
        history.setStoreBodies(bodies);
        history.setCamelContext(CAMEL);
        history.setMaxBlock("PT10S");
        history.start();
        Map<String, Object> enriched = MAPPER.readValue(enrichedSample(), new TypeReference<>() {
        });
        JdbcGroupCommit commit = new JdbcGroupCommit();
        commit.setDataSource(dataSource);
        DeliveryRecord records = new DeliveryRecord();
        records.setDataSource(dataSource);
        records.setGroupCommit(commit);
        records.setCamelContext(CAMEL);
        for (int i = 0; i < events; i++) {
            record(history, records, enriched);
        }
        history.stop();
        commit.stop();
        assertThat(history.dropped()).isZero();
        try (Connection c = held; Statement s = c.createStatement()) {
            s.execute(shutdown);
        }
    }

    private static void record(EventHistory history, DeliveryRecord records, Map<String, Object> enrichedSample) {
        String id = Webhooks.newId();
        long received = System.currentTimeMillis();
        Exchange in = exchange(id, received);
        in.setProperty("SgOutcome", "accepted");
        in.getIn().setBody(Webhooks.event(id, "job.unit_moveIn.created", Instant.now(), "{\"jobId\":\"" + ConsoleTestSupport.JOB + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        history.received(in);

        Map<String, Object> enriched = new LinkedHashMap<>(enrichedSample);
        enriched.put("event", Map.of("id", id, "created", Instant.now().toString(), "type", "job.unit_moveIn.created",
                "data", Map.of("jobId", ConsoleTestSupport.JOB)));
        Exchange dispatched = exchange(id, received);
        dispatched.getIn().setHeader("SgFamily", "job-move-in");
        dispatched.getIn().setBody(enriched);
        dispatched.setProperty("SgSubscribers", new ArrayList<>(List.of("ops-crm", "team-slack")));
        history.dispatched(dispatched);

        Exchange failed = exchange(id, received);
        failed.getIn().setHeader("SgDestination", "ops-crm");
        failed.getIn().setHeader("SgAttempt", 1);
        failed.getIn().setHeader("SgRetryAction", "retry");
        failed.getIn().setHeader("SgFailureReason", "DeliveryFailure: HTTP 500 from ops-crm: {\"error\":\"database down\"}");
        failed.getIn().setHeader("_AMQ_SCHED_DELIVERY", received + 10_000);
        failed.setProperty("SgLastStatus", 500);
        history.failed(failed);
        for (String destination : List.of("ops-crm", "team-slack")) {
            Exchange delivered = exchange(id, received);
            delivered.setProperty("SgEventId", id);
            delivered.setProperty("SgDestination", destination);
            delivered.setProperty("SgDeliveryKey", id + ":" + destination);
            delivered.setProperty("SgEventType", "job.unit_moveIn.created");
            delivered.setProperty("SgReceivedAt", received);
            delivered.setProperty("SgLastStatus", 200);
            // as AttemptOutcome records a delivered attempt: its success record is its only row
            if (!records.delivered(delivered)) {
                history.attempt(delivered, "delivered");
            }
        }
    }

    private static Exchange exchange(String id, long received) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getIn().setHeader("SgEventId", id);
        exchange.getIn().setHeader("SgEventType", "job.unit_moveIn.created");
        exchange.getIn().setHeader("SgReceivedAt", received);
        return exchange;
    }

    /** The enriched move-in of the sample story, as the family route builds it (about 2.6 KB of JSON). */
    private static String enrichedSample() {
        return "{\"type\":\"job.unit_moveIn.created\",\"family\":\"job-move-in\",\"job\":" + StoreganiseStub.fixture("jobs/" + ConsoleTestSupport.JOB)
                + ",\"unitRental\":" + StoreganiseStub.fixture("unit-rentals/" + ConsoleTestSupport.RENTAL)
                + ",\"unit\":" + StoreganiseStub.fixture("units/" + ConsoleTestSupport.UNIT)
                + ",\"customer\":" + StoreganiseStub.fixture("users/" + ConsoleTestSupport.CUSTOMER)
                + ",\"site\":" + StoreganiseStub.fixture("sites/" + ConsoleTestSupport.SITE)
                + ",\"summary\":{\"customerName\":\"Jane Doe\",\"customerEmail\":\"jane.doe@example.com\",\"unitName\":\"A12\","
                + "\"siteName\":\"Downtown\",\"date\":\"2026-12-01\",\"headline\":\"A customer submitted a move-in order awaiting operator"
                + " confirmation: Jane Doe, unit A12 at Downtown, 1 Dec 2026.\"}}";
    }

    private static long size(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
