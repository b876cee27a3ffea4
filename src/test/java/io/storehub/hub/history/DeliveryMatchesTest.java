package io.storehub.hub.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.storehub.hub.support.DatabaseSchema;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bulk replay's read of hub_delivery: each filter field, and keyset pages that cover every match once, in the order they changed. */
class DeliveryMatchesTest {

    private static final Instant T0 = Instant.parse("2026-12-06T02:00:00Z");

    private JdbcDataSource database;
    private DeliveryMatches matches;

    @BeforeEach
    void database() throws Exception {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:matches-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DatabaseSchema schema = new DatabaseSchema();
        schema.setDataSource(database);
        schema.migrate();
        matches = new DeliveryMatches(database);
        row("e01", "invoice.created", 0, "crm", "parked", "HTTP 503 from crm: Service Unavailable");
        row("e02", "invoice.paid", 60, "crm", "parked", "HTTP 422 from crm: unknown customer");
        row("e03", "invoice.created", 120, "crm", "retrying", "HTTP 503 from crm: Service Unavailable");
        row("e04", "invoice.created", 180, "crm", "deferred", "HTTP 503 from crm: Service Unavailable");
        row("e05", "unit.created", 240, "crm", "parked", "Connect timed out");
        row("e06", "invoice.created", 300, "crm", "delivered", null);
        row("e07", "invoice.created", 360, "slack", "parked", "HTTP 503 from slack");
        row("e08", "invoice.created", 420, "crm", "replayed", "HTTP 503 from crm: Service Unavailable");
        row("e09", "invoice_x", 480, "crm", "parked", "HTTP 503 from crm");
    }

    @Test
    void parkedMatchesOnlyTheParkedDeliveriesOfTheDestination() throws Exception {
        assertThat(ids(filter(List.of("parked"), null, null, null, null))).containsExactly("e01", "e02", "e05", "e09");
    }

    @Test
    void failedAlsoMatchesTheDeliveriesWaitingForTheirNextAttempt() throws Exception {
        assertThat(ids(filter(List.of("retrying", "deferred", "parked"), null, null, null, null))).containsExactly("e01", "e02", "e03", "e04", "e05", "e09");
    }

    @Test
    void aTypeGlobMatchesItsFamilyAndNothingThatOnlyLooksLikeIt() throws Exception {
        assertThat(ids(filter(List.of("parked"), "invoice.*", null, null, null))).containsExactly("e01", "e02");
        assertThat(ids(filter(List.of("parked"), "invoice.paid", null, null, null))).containsExactly("e02");
    }

    @Test
    void fromIsInclusiveAndToExclusiveOnWhenTheEventWasReceived() throws Exception {
        assertThat(ids(filter(List.of("parked"), null, T0.plusSeconds(60), T0.plusSeconds(240), null))).containsExactly("e02");
    }

    @Test
    void aFromFinerThanAMillisecondStillMatchesAnEventReceivedLaterInThatMillisecond() throws Exception {
        // received at T0 + 60 s + 0.4 ms, kept as T0 + 60 s (the hub keeps milliseconds); from = T0 + 60 s + 0.1 ms
        assertThat(ids(filter(List.of("parked"), "invoice.paid", T0.plusSeconds(60).plusNanos(100_000), null, null))).containsExactly("e02");
    }

    @Test
    void theErrorTextIsFoundInTheLastErrorWhateverItsCase() throws Exception {
        assertThat(ids(filter(List.of("retrying", "deferred", "parked"), null, null, null, "service UNAVAILABLE"))).containsExactly("e01", "e03", "e04");
        assertThat(ids(filter(List.of("parked"), null, null, null, "100%"))).isEmpty();
    }

    @Test
    void keysetPagesCoverEveryMatchOnceInTheOrderTheyChangedAndTheCountAgrees() throws Exception {
        DeliveryMatches.Filter f = filter(List.of("retrying", "deferred", "parked"), null, null, null, null);
        List<String> seen = new ArrayList<>();
        DeliveryMatches.Match after = null;
        List<DeliveryMatches.Match> page;
        int pages = 0;
        do {
            page = matches.page(f, after, 2);
            page.forEach(m -> seen.add(m.eventId()));
            after = page.isEmpty() ? after : page.get(page.size() - 1);
            pages++;
        } while (page.size() == 2);

        assertThat(seen).containsExactly("e01", "e02", "e03", "e04", "e05", "e09");
        assertThat(pages).isEqualTo(4);
        assertThat(matches.count(f)).isEqualTo(6);
        DeliveryMatches.Match first = matches.page(f, null, 1).get(0);
        assertThat(first.type()).isEqualTo("invoice.created");
        assertThat(first.lastError()).contains("503");
        assertThat(first.receivedAt()).isEqualTo(T0);
    }

    @Test
    void deliveriesThatChangedAtTheSameMomentAreEachReadOnceAcrossPages() throws Exception {
        // parked together, one after the other by event id; e10 changed last although its id comes first
        row("e13", "invoice.created", 600, "erp", "parked", "HTTP 503 from erp");
        row("e12", "invoice.created", 600, "erp", "parked", "HTTP 503 from erp");
        row("e11", "invoice.created", 600, "erp", "parked", "HTTP 503 from erp");
        row("e10", "invoice.created", 660, "erp", "parked", "HTTP 503 from erp");
        DeliveryMatches.Filter f = new DeliveryMatches.Filter("erp", List.of("parked"), null, null, null, null);
        List<String> seen = new ArrayList<>();
        DeliveryMatches.Match after = null;
        List<DeliveryMatches.Match> page;
        do {
            page = matches.page(f, after, 2);
            page.forEach(m -> seen.add(m.eventId()));
            after = page.isEmpty() ? after : page.get(page.size() - 1);
        } while (page.size() == 2);

        assertThat(seen).containsExactly("e11", "e12", "e13", "e10");
    }

    private DeliveryMatches.Filter filter(List<String> statuses, String type, Instant from, Instant to, String error) {
        return new DeliveryMatches.Filter("crm", statuses, type, from, to, error);
    }

    private List<String> ids(DeliveryMatches.Filter f) throws Exception {
        List<String> ids = new ArrayList<>();
        matches.page(f, null, 100).forEach(m -> ids.add(m.eventId()));
        assertThat(matches.count(f)).isEqualTo(ids.size());
        return ids;
    }

    private void row(String id, String type, int receivedSecond, String destination, String status, String error) throws Exception {
        try (Connection c = database.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_event (id, event_type, received_at, received_minute, ack, status)"
                    + " VALUES (?, ?, ?, 0, 'accepted', 'dispatched')")) {
                ps.setString(1, id);
                ps.setString(2, type);
                ps.setObject(3, Texts.utc(T0.plusSeconds(receivedSecond)));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_delivery (event_id, destination, status, attempts, last_error, updated_at)"
                    + " VALUES (?, ?, ?, 1, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, destination);
                ps.setString(3, status);
                ps.setString(4, error);
                ps.setObject(5, Texts.utc(T0.plusSeconds(receivedSecond + 30)));
                ps.executeUpdate();
            }
        }
    }
}
