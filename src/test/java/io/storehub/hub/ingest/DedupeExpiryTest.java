package io.storehub.hub.ingest;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class DedupeExpiryTest extends HubTestSupport {

    @Autowired
    DataSource dataSource;

    @Test
    void forgetsIdsOlderThanTheWindowAndKeepsRecentOnes() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String old = Webhooks.newId();
        String recent = Webhooks.newId();
        String body = Webhooks.event(recent, "user.created");
        assertThat(postSigned(body).body()).contains("accepted");
        jdbc.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)",
                "storeganise-webhook", old, Timestamp.from(Instant.now().minus(Duration.ofDays(8))));

        producer.sendBody("direct:expire-dedupe-ids", null);

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?", Integer.class, old)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?", Integer.class, recent)).isOne();
        assertThat(postSigned(body).body()).as("a 7-day-old retry is still a duplicate").contains("duplicate");
    }
}
