import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts signed Storeganise-shaped webhooks at a fixed rate, as Storeganise would, and prints how many
 * the hub accepted, how many of those within Storeganise's 2 seconds, and the acknowledgement latency.
 * Run as a single-file program:
 *
 *   java [-Dloadgen.connections=64] bench/LoadGen.java URL SECRET RATE SECONDS [TIMEOUT_SECONDS (10)]
 *
 * Requests are due at a fixed rate and sent over a fixed number of connections (64): a request waits
 * for a free connection when all are busy, and its ack time counts from when it was due.
 *
 * With -Dloadgen.tenants=N (bench/tenants.sh) request n goes to URL/t<n % N>, tenant t<n % N>'s webhook URL (every
 * tenant with the same secret): the load spread evenly over N tenants. Not with -Dloadgen.keepalive.
 *
 * With -Dloadgen.keepalive=true the connections are opened first and all held open (keep-alive, as
 * a proxy or a busy sender keeps them): request n goes on connection n % connections, whether or not
 * the hub answered the previous one on it yet (it waits its turn on that connection). A connection
 * the hub closes is opened again. The line then also has answered_2s (any answer within 2 s) and one
 * status_N=count per HTTP status (status_none: no answer within the timeout, or a connection error).
 *
 * Event ids have the shape of Storeganise's own (the webhook doc's example "5bf48bd975970f170a8e42b7"): MongoDB
 * ObjectIds, 4 bytes of seconds since the epoch, 5 random bytes per process and a 3-byte counter, so ids made
 * in the same second share their first 8 hex digits. -Dloadgen.ids=random makes all 12 bytes random instead
 * (the harsher case for the hub's indexes: every event id lands at a random place). The entity ids (jobId, ...) are
 * random either way: an entity of its own, created at any time before the event. Each type carries the ids its
 * sample in samples/events carries (a job, a rental, an invoice and its site, ...), so that a hub with a Storeganise
 * API fetches what it would for real traffic (bench/cpu-per-delivery.sh, ENRICH).
 *
 * Prints one line: sent, accepted (200 "accepted" within the timeout), acked_2s (of those, answered
 * within 2 s), failed (anything else: other answers, timeouts, connection errors), start_ms (epoch of
 * the first request), send_ms (how long sending took), and ack p50/p99/max over every answer (a
 * timeout counts as the timeout).
 */
public class LoadGen {

    /** The types sent, in turn at random, each with the ids its data carries (samples/events), every one fresh. */
    static final String[][] TYPES = {{"job.unit_moveIn.created", "jobId"}, {"job.unit_moveIn.completed", "jobId", "unitRentalId"},
            {"job.unit_moveOut.created", "jobId"}, {"unitRental.invoice.created", "invoiceId", "unitRentalId"},
            {"invoice.state.updated", "invoiceId", "siteId"}, {"invoice.payments.updated", "invoiceId", "siteId"},
            {"unit.occupied", "unitId"}, {"unitRental.updated", "unitRentalId"}, {"user.created", "userId"},
            {"job.valetOrder.submitted", "jobId"}, {"site.availability.updated", "siteId"}};

    public static void main(String[] args) throws Exception {
        String url = args[0];
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        Duration timeout = Duration.ofSeconds(args.length > 4 ? Integer.parseInt(args[4]) : 10);
        // A fixed set of connections, as a webhook sender keeps: each request is due at its tick and
        // waits for a free connection if all are busy; its ack time counts from when it was due, so
        // a hub that falls behind is measured by the wait it causes (no coordinated omission), and
        // the sender does not open thousands of connections that cost it more CPU than the hub.
        int connections = Integer.getInteger("loadgen.connections", 64);
        if (Boolean.getBoolean("loadgen.keepalive")) {
            new HeldConnections(URI.create(url), secret, rate, seconds, timeout, connections).run();
            System.exit(0);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
        Tally tally = new Tally();
        LinkedBlockingQueue<Long> due = new LinkedBlockingQueue<>();
        int tenants = Integer.getInteger("loadgen.tenants", 0);
        AtomicLong requests = new AtomicLong();
        long total = (long) rate * seconds;
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        for (int c = 0; c < connections; c++) {
            senders.execute(() -> {
                while (true) {
                    Long dueAt;
                    try {
                        dueAt = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    String body = event();
                    String target = tenants > 0 ? url + "/t" + requests.getAndIncrement() % tenants : url;
                    HttpRequest request = HttpRequest.newBuilder(URI.create(target)).timeout(timeout)
                            .header("Content-Type", "application/json;charset=UTF-8")
                            .header("sg-signature", sign(secret, body))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    boolean ok;
                    try {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        ok = r.statusCode() == 200 && r.body().contains("\"accepted\"");
                    } catch (Exception e) {
                        ok = false;
                    }
                    tally.record(dueAt, ok, null);
                }
            });
        }
        Pacer pacer = new Pacer(rate, total);
        pacer.run((n, dueAt) -> due.add(dueAt));
        // what is still queued or in flight gets the timeout, plus what it waited
        tally.awaitDone(total, timeout.toMillis() + 5_000 + due.size() * 1000L / Math.max(1, rate));
        senders.shutdownNow();
        System.out.printf("sent=%d accepted=%d acked_2s=%d failed=%d start_ms=%d send_ms=%d %s%n",
                pacer.sent(), tally.accepted.get(), tally.acceptedWithin2s.get(), tally.failed.get(), pacer.startMillis(),
                pacer.sendMillis(), tally.latencies());
        System.exit(0);
    }

    /**
     * Makes the requests due at a fixed rate, each at its own time (start + n / rate), catching up if
     * the ticker was late so the offered rate holds; hands each due time to the sender of its choice.
     */
    static final class Pacer {

        private final int rate;
        private final long total;
        private final AtomicLong sent = new AtomicLong();
        private long startMillis;
        private long sendMillis;

        Pacer(int rate, long total) {
            this.rate = rate;
            this.total = total;
        }

        /** Returns once every request is due: each handed over as (request number, due time in System.nanoTime()). */
        void run(DueRequest due) throws InterruptedException {
            startMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleAtFixedRate(() -> {
                long dueCount = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
                while (sent.get() < dueCount) {
                    long n = sent.getAndIncrement();
                    due.accept(n, start + n * 1_000_000_000L / rate);
                }
            }, 0, 2, TimeUnit.MILLISECONDS);
            while (sent.get() < total) {
                Thread.sleep(50);
            }
            ticker.shutdown();
            sendMillis = (System.nanoTime() - start) / 1_000_000;
        }

        long sent() {
            return sent.get();
        }

        long startMillis() {
            return startMillis;
        }

        long sendMillis() {
            return sendMillis;
        }
    }

    interface DueRequest {
        void accept(long n, long dueAt);
    }

    /** What the sender counts of its requests; each ack time counts from when the request was due. */
    static final class Tally {

        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger acceptedWithin2s = new AtomicInteger();
        final AtomicInteger answeredWithin2s = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Long> ackMicros = new ConcurrentLinkedQueue<>();

        /** ok: 200 "accepted"; status: the HTTP status ("none": no answer), or null where it is not counted. */
        void record(long dueAt, boolean ok, String status) {
            long micros = (System.nanoTime() - dueAt) / 1000;
            ackMicros.add(micros);
            if (status != null) {
                statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                if (!status.equals("none") && micros <= 2_000_000) {
                    answeredWithin2s.incrementAndGet();
                }
            }
            if (ok) {
                accepted.incrementAndGet();
                if (micros <= 2_000_000) {
                    acceptedWithin2s.incrementAndGet();
                }
            } else {
                failed.incrementAndGet();
            }
            done.incrementAndGet();
        }

        void awaitDone(long total, long waitMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + waitMillis;
            while (done.get() < total && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        }

        /** ack p50/p99/max over every answer (a timeout counts as the timeout). */
        String latencies() {
            List<Long> acks = new ArrayList<>(ackMicros);
            Collections.sort(acks);
            return String.format(Locale.ROOT, "ack_p50_ms=%.1f ack_p99_ms=%.1f ack_max_ms=%.1f", pct(acks, 0.50) / 1000.0,
                    pct(acks, 0.99) / 1000.0, acks.isEmpty() ? 0 : acks.get(acks.size() - 1) / 1000.0);
        }
    }

    /** The keep-alive mode: every connection opened first and held; requests spread over them in turn. */
    static final class HeldConnections {

        private final URI url;
        private final byte[] secret;
        private final int rate;
        private final int seconds;
        private final Duration timeout;
        private final int connections;
        private final Tally tally = new Tally();
        private final AtomicInteger reconnects = new AtomicInteger();

        HeldConnections(URI url, byte[] secret, int rate, int seconds, Duration timeout, int connections) {
            this.url = url;
            this.secret = secret;
            this.rate = rate;
            this.seconds = seconds;
            this.timeout = timeout;
            this.connections = connections;
        }

        void run() throws Exception {
            List<LinkedBlockingQueue<Long>> queues = new ArrayList<>();
            List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < connections; c++) {
                queues.add(new LinkedBlockingQueue<>());
                sockets.add(open());
            }
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int index = c;
                Thread t = new Thread(null, () -> serve(sockets, index, queues.get(index)), "conn-" + c, 256 * 1024);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            long total = (long) rate * seconds;
            Pacer pacer = new Pacer(rate, total);
            pacer.run((n, dueAt) -> queues.get((int) (n % connections)).add(dueAt));
            tally.awaitDone(total, timeout.toMillis() + 5_000);
            StringBuilder counts = new StringBuilder();
            new TreeMap<>(tally.statuses).forEach((status, n) -> counts.append(" status_").append(status).append('=').append(n.get()));
            System.out.printf("sent=%d accepted=%d acked_2s=%d answered_2s=%d failed=%d unfinished=%d connections=%d reconnects=%d start_ms=%d send_ms=%d %s%s%n",
                    pacer.sent(), tally.accepted.get(), tally.acceptedWithin2s.get(), tally.answeredWithin2s.get(), tally.failed.get(),
                    total - tally.done.get(), connections, reconnects.get(), pacer.startMillis(), pacer.sendMillis(), tally.latencies(), counts);
        }

        private Socket open() throws IOException {
            Socket socket = new Socket(url.getHost(), url.getPort());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return socket;
        }

        private void serve(List<Socket> sockets, int index, LinkedBlockingQueue<Long> queue) {
            while (true) {
                long dueAt;
                try {
                    dueAt = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                String status = "none";
                boolean ok = false;
                try {
                    Socket socket = sockets.get(index);
                    if (socket == null || socket.isClosed()) {
                        socket = open();
                        sockets.set(index, socket);
                        reconnects.incrementAndGet();
                    }
                    String answer = post(socket, event());
                    status = answer.length() > 12 ? answer.substring(9, 12) : "none";
                    ok = status.equals("200") && answer.contains("\"accepted\"");
                    if (answer.toLowerCase(Locale.ROOT).contains("connection: close")) {
                        socket.close();
                    }
                } catch (IOException e) {
                    try {
                        Socket broken = sockets.get(index);
                        if (broken != null) {
                            broken.close();
                        }
                    } catch (IOException ignored) {
                        // opened again for the next request
                    }
                }
                tally.record(dueAt, ok, status);
            }
        }

        private String post(Socket socket, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: application/json;charset=UTF-8\r\nsg-signature: " + sign(secret, body)
                    + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            try {
                return readAnswer(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                socket.close(); // its answer may still come: the connection cannot be reused
                return "";
            }
        }

        private static String readAnswer(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
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
            for (int size = Integer.parseInt(line(in).split(";", 2)[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";", 2)[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            return headers + body.toString(StandardCharsets.UTF_8);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            if (b < 0) {
                throw new IOException("connection closed");
            }
            return line.toString();
        }
    }

    static final boolean RANDOM_IDS = "random".equals(System.getProperty("loadgen.ids", "objectid"));
    static final byte[] PROCESS_BYTES = new byte[5];
    static final AtomicInteger COUNTER = new AtomicInteger();

    static {
        ThreadLocalRandom.current().nextBytes(PROCESS_BYTES);
        COUNTER.set(ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** A MongoDB ObjectId (or 12 random bytes with -Dloadgen.ids=random). */
    static byte[] eventId() {
        byte[] id = new byte[12];
        if (RANDOM_IDS) {
            ThreadLocalRandom.current().nextBytes(id);
            return id;
        }
        int seconds = (int) (System.currentTimeMillis() / 1000);
        int count = COUNTER.getAndIncrement();
        for (int i = 0; i < 4; i++) {
            id[i] = (byte) (seconds >>> (24 - 8 * i));
        }
        System.arraycopy(PROCESS_BYTES, 0, id, 4, 5);
        for (int i = 0; i < 3; i++) {
            id[9 + i] = (byte) (count >>> (16 - 8 * i));
        }
        return id;
    }

    static String event() {
        String[] type = TYPES[ThreadLocalRandom.current().nextInt(TYPES.length)];
        StringBuilder body = new StringBuilder("{\"id\":\"").append(HexFormat.of().formatHex(eventId())).append("\",\"created\":\"")
                .append(Instant.now()).append("\",\"type\":\"").append(type[0]).append("\",\"data\":{");
        for (int i = 1; i < type.length; i++) {
            byte[] ref = new byte[12];
            ThreadLocalRandom.current().nextBytes(ref);
            body.append(i > 1 ? "," : "").append('"').append(type[i]).append("\":\"").append(HexFormat.of().formatHex(ref)).append('"');
        }
        return body.append("}}").toString();
    }

    static String sign(byte[] secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
