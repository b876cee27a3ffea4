package io.storehub.hub.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ErrorResponderTest {

    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    private Instant now = START;
    private final ErrorResponder responder = responder();

    @Test
    void aFloodOfOneRefusalIsLoggedOncePerInterval(CapturedOutput output) throws Exception {
        for (int i = 0; i < 50; i++) {
            refuse(401, "invalid_signature");
            later(100);
        }

        assertThat(lines(output, "401 invalid_signature")).isEqualTo(1);
    }

    @Test
    void theNextLineOfACodeSaysHowManyWereLeftOut(CapturedOutput output) throws Exception {
        for (int i = 0; i < 50; i++) {
            refuse(401, "invalid_signature");
        }
        later(10_000);

        refuse(401, "invalid_signature");

        assertThat(lines(output, "401 invalid_signature")).isEqualTo(2);
        assertThat(output.getAll()).contains("; 49 more not logged since " + START);
    }

    @Test
    void eachCodeHasItsOwnInterval(CapturedOutput output) throws Exception {
        refuse(401, "invalid_signature");
        refuse(400, "invalid_event");
        refuse(401, "invalid_signature");

        assertThat(lines(output, "401 invalid_signature")).isEqualTo(1);
        assertThat(lines(output, "400 invalid_event")).isEqualTo(1);
    }

    @Test
    void aZeroIntervalLogsEveryRefusal(CapturedOutput output) throws Exception {
        responder.setRejectionLogInterval("PT0S");

        for (int i = 0; i < 3; i++) {
            refuse(401, "invalid_signature");
        }

        assertThat(lines(output, "401 invalid_signature")).isEqualTo(3);
    }

    @Test
    void everyRefusalIsStillAnsweredWithItsJsonError() throws Exception {
        refuse(401, "invalid_signature");

        Exchange second = refuse(401, "invalid_signature");

        assertThat(second.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(second.getMessage().getBody(String.class)).isEqualTo("{\"error\":\"invalid_signature\",\"detail\":\"refused\"}");
    }

    private Exchange refuse(int status, String code) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpRejection(status, code, "refused"));
        responder.process(exchange);
        return exchange;
    }

    private static long lines(CapturedOutput output, String what) {
        return output.getAll().lines().filter(line -> line.contains("Request rejected: " + what)).count();
    }

    private ErrorResponder responder() {
        ErrorResponder errorResponder = new ErrorResponder();
        errorResponder.setClock(Clock.fixed(START, ZoneOffset.UTC));
        return errorResponder;
    }

    private void later(long millis) {
        now = now.plusMillis(millis);
        responder.setClock(Clock.fixed(now, ZoneOffset.UTC));
    }
}
