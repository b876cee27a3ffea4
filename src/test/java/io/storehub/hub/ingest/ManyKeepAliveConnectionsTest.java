package io.storehub.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

/**
 * Many keep-alive connections, held open by one sender (a proxy, a busy sender), on the hub's shipped
 * server settings: each gets its answer promptly, on a first request and again on the same connection.
 * With a cap of 256 connections the 257th and later were never accepted while the others stayed open.
 */
class ManyKeepAliveConnectionsTest extends HubTestSupport {

    private static final int CONNECTIONS = 300;
    private static final int ANSWER_WITHIN_MS = 2000;

    @Test
    void everyOneOfThreeHundredOpenKeepAliveConnectionsGetsItsAnswerWithinTwoSeconds() throws Exception {
        // the first webhook after start-up warms the route (class loading, first broker and database use)
        assertThat(postSigned(Webhooks.event(Webhooks.newId(), "unit.occupied")).statusCode()).isEqualTo(200);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    if (round == 0) {
                        Socket socket = new Socket("localhost", port);
                        socket.setSoTimeout(ANSWER_WITHIN_MS);
                        sockets.add(socket);
                    }
                    long started = System.nanoTime();
                    String answer = post(sockets.get(i));
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    assertThat(answer).as("connection %d, request %d", i + 1, round + 1).startsWith("HTTP/1.1 200").contains("\"accepted\"");
                    assertThat(millis).as("connection %d, request %d answered within 2 s", i + 1, round + 1).isLessThan(ANSWER_WITHIN_MS);
                }
            }
            assertThat(sockets).as("all stayed open (keep-alive)").allSatisfy(s -> assertThat(s.isClosed()).isFalse());
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** One signed webhook on the open connection; the status line, headers and body of its answer. */
    private static String post(Socket socket) throws IOException {
        String body = Webhooks.event(Webhooks.newId(), "unit.occupied");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /webhooks/storeganise HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "sg-signature: " + Webhooks.sign(SECRET, body) + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        try {
            return readAnswer(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return "no answer within " + ANSWER_WITHIN_MS + " ms";
        }
    }

    static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return "connection closed: " + head.toString(StandardCharsets.US_ASCII);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        boolean chunked = false;
        for (String line : headers.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        if (!chunked) {
            return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
            body.write(in.readNBytes(size));
            line(in); // the CRLF after the chunk
        }
        line(in); // the CRLF after the last chunk (no trailers)
        return headers + body.toString(StandardCharsets.UTF_8);
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(line(in).split(";", 2)[0].trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
