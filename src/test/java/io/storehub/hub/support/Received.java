package io.storehub.hub.support;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * One request a destination stand-in received: the event, its type and job, the hub instance that sent
 * it (header X-Hub-Instance, cluster tests), when, and the request. {@link #inOrder} lists them in the
 * order the destination received them: the basis of order-per-entity assertions.
 */
public record Received(String eventId, String type, String jobId, String instance, Instant at, LoggedRequest request) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");

    /** The event (http destinations), or the job (Slack, which gets one event per job in these tests). */
    public String key() {
        return eventId != null ? eventId : jobId;
    }

    /** What the server received, oldest first. */
    public static List<Received> inOrder(WireMockServer server) {
        return inOrder(server, null);
    }

    /** What the server received on URL paths starting with {@code pathPrefix} (all when null), oldest first. */
    public static List<Received> inOrder(WireMockServer server, String pathPrefix) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        // the journal is newest first, and a request is journaled once answered: order by arrival (ms), then journal
        Collections.reverse(events);
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        List<Received> received = new ArrayList<>();
        for (ServeEvent e : events) {
            LoggedRequest r = e.getRequest();
            if (pathPrefix != null && !r.getUrl().startsWith(pathPrefix)) {
                continue;
            }
            String eventId = r.getHeader("X-Storeganise-Event-Id");
            String type = r.getHeader("X-Storeganise-Event-Type");
            String jobId = null;
            if (eventId == null) { // slack: the message text names the job (the event is not enriched here)
                Matcher m = OBJECT_ID.matcher(r.getBodyAsString());
                jobId = m.find() ? m.group() : null;
            } else {
                try {
                    JsonNode body = JSON.readTree(r.getBody());
                    jobId = body.path("event").path("data").path("jobId").asText(null);
                } catch (IOException ex) {
                    // not JSON: left without a job
                }
            }
            received.add(new Received(eventId, type, jobId, r.getHeader("X-Hub-Instance"), r.getLoggedDate().toInstant(), r));
        }
        return received;
    }

    /** Jobs whose events arrived in another order than {@code expected} (types), with the order they arrived in. */
    public static Map<String, List<String>> outOfOrder(List<Received> received, List<String> expected) {
        Map<String, List<String>> byJob = received.stream().filter(r -> r.jobId() != null && r.type() != null)
                .collect(Collectors.groupingBy(Received::jobId, LinkedHashMap::new,
                        Collectors.mapping(Received::type, Collectors.toList())));
        Map<String, List<String>> wrong = new LinkedHashMap<>();
        byJob.forEach((job, types) -> {
            List<String> firsts = types.stream().distinct().toList();
            List<String> want = expected.stream().filter(firsts::contains).toList();
            if (!firsts.equals(want)) {
                wrong.put(job, types);
            }
        });
        return wrong;
    }
}
