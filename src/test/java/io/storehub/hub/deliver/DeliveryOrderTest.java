package io.storehub.hub.deliver;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Received;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events about one job reach a destination in the order the hub received them, across parallel consumers,
 * retries of a delivery, retries of a dispatch and a parked delivery; other jobs are not held.
 * Destinations (job.valetOrder.*): ordered-crm (ordered, the default) and unordered-crm (ordered: false).
 */
class DeliveryOrderTest extends DeliverTestSupport {

    private static final String CREATED = "job.valetOrder.created";
    private static final String COMPLETED = "job.valetOrder.completed";
    private static final List<String> ORDER = List.of(CREATED, COMPLETED);

    @BeforeEach
    void services() {
        servicesAnswerOk();
        // the CRM answers at its own pace, so deliveries overtake each other unless the hub keeps them in order
        CRM.stubFor(post(urlPathMatching("/hooks/(un)?ordered")).willReturn(okJson("{\"received\":true}").withUniformRandomDelay(0, 15)));
    }

    @Test
    void eventsOfOneJobReachTheDestinationInTheOrderTheHubReceivedThemWhileJobsRunInParallel() throws Exception {
        List<String> jobs = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String job = Webhooks.newId();
                jobs.add(job);
                // as Storeganise does: the next event of a job once the previous one was acknowledged
                sent.add(senders.submit(() -> {
                    send(CREATED, job);
                    send(COMPLETED, job);
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ofJobs(Received.inOrder(CRM, ORDERED_PATH), jobs).size() == 80);

        List<Received> received = ofJobs(Received.inOrder(CRM, ORDERED_PATH), jobs);
        assertThat(Received.outOfOrder(received, ORDER)).as("jobs whose completion arrived before their creation").isEmpty();
        assertThat(received.stream().map(Received::eventId).distinct()).as("each event once").hasSize(80);
    }

    @Test
    void aRetriedDeliveryKeepsItsPlaceAheadOfTheNextEventOfItsJobAndHoldsNoOtherJob() throws Exception {
        String job = Webhooks.newId();
        String other = Webhooks.newId();
        failTwiceThenAnswer(ORDERED_PATH, job, CREATED);

        String created = send(CREATED, job);
        String completed = send(COMPLETED, job);
        String otherCreated = send(CREATED, other);

        await().atMost(Duration.ofSeconds(30)).until(() -> ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job)).size() == 4);
        List<Received> forJob = ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job));
        assertThat(forJob).extracting(Received::eventId).containsExactly(created, created, created, completed);
        assertThat(forJob).extracting(r -> r.request().getUrl()).allMatch(ORDERED_PATH::equals);

        List<Received> all = Received.inOrder(CRM, ORDERED_PATH);
        assertThat(indexOf(all, otherCreated)).as("another job is not held by this job's retries")
                .isLessThan(indexOf(all, forJob.get(2)));
    }

    @Test
    void anUnorderedDestinationLetsTheNextEventOfTheJobPassARetry() throws Exception {
        String job = Webhooks.newId();
        failTwiceThenAnswer(UNORDERED_PATH, job, CREATED);

        String created = send(CREATED, job);
        String completed = send(COMPLETED, job);

        await().atMost(Duration.ofSeconds(30)).until(() -> ofJobs(Received.inOrder(CRM, UNORDERED_PATH), List.of(job)).size() == 4
                && ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job)).size() == 2);
        List<String> unordered = ofJobs(Received.inOrder(CRM, UNORDERED_PATH), List.of(job)).stream().map(Received::eventId).toList();
        assertThat(unordered).as("three attempts of the creation, one completion").containsExactlyInAnyOrder(created, created, created, completed);
        assertThat(unordered.indexOf(completed)).as("ordered: false: the completion went while the creation waited for its retry")
                .isLessThan(unordered.lastIndexOf(created));
        // the ordered destination got both, in order, from the same events
        assertThat(ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job))).extracting(Received::eventId).containsExactly(created, completed);
    }

    @Test
    void whenTheHeadIsParkedTheNextDeliveriesOfItsJobAreParkedWithItAndAReplaySendsThemInOrder() throws Exception {
        String job = Webhooks.newId();
        String other = Webhooks.newId();
        CRM.stubFor(post(urlPathEqualTo(ORDERED_PATH)).withRequestBody(containing(job)).withHeader("X-Storeganise-Event-Type", equalTo(CREATED))
                .atPriority(1).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"unknown valet order\"}")));

        String created = send(CREATED, job);
        String completed = send(COMPLETED, job);
        String otherCreated = send(CREATED, other);

        await().atMost(Duration.ofSeconds(20)).until(() -> parkedDelivery("ordered-crm", completed) != null);
        assertThat(parkedDelivery("ordered-crm", created).get("reason").asText()).contains("HTTP 400");
        assertThat(parkedDelivery("ordered-crm", completed).get("reason").asText()).contains("held behind", created);
        assertThat(ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job))).extracting(Received::eventId).containsExactly(created);
        await().atMost(Duration.ofSeconds(10)).until(() -> indexOf(Received.inOrder(CRM, ORDERED_PATH), otherCreated) >= 0);

        // the valet order was created on the CRM side; the operator replays the destination's parked deliveries
        CRM.resetRequests();
        CRM.stubFor(post(urlPathEqualTo(ORDERED_PATH)).withRequestBody(containing(job)).withHeader("X-Storeganise-Event-Type", equalTo(CREATED))
                .atPriority(1).willReturn(okJson("{\"received\":true}")));
        HttpResponse<String> replay = admin("POST", "/admin/replay", "{\"destination\":\"ordered-crm\",\"all\":true}");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job)).size() == 2);
        assertThat(ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job))).extracting(Received::eventId).containsExactly(created, completed);
    }

    @Test
    void anEventWhoseDispatchIsRetriedStaysAheadOfTheNextEventOfItsJob() throws Exception {
        String job = Webhooks.newId();
        // the Storeganise API fails every call about this job for the creation's first dispatch attempt (3 calls)
        String state = "job-" + job;
        for (int i = 0; i < 3; i++) {
            STOREGANISE.stubFor(get(urlPathMatching("/api/.*" + job + ".*")).inScenario(state)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : state + i).willSetStateTo(state + (i + 1))
                    .willReturn(aResponse().withStatus(503).withBody("maintenance")));
        }

        String created = send(CREATED, job);
        String completed = send(COMPLETED, job);

        await().atMost(Duration.ofSeconds(30)).until(() -> ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job)).size() == 2
                && ofJobs(Received.inOrder(CRM, UNORDERED_PATH), List.of(job)).size() == 2);
        assertThat(ofJobs(Received.inOrder(CRM, ORDERED_PATH), List.of(job))).extracting(Received::eventId).containsExactly(created, completed);
        assertThat(ofJobs(Received.inOrder(CRM, UNORDERED_PATH), List.of(job))).as("dispatch order holds for every destination")
                .extracting(Received::eventId).containsExactly(created, completed);
    }

    /** The first two deliveries of this job's event of this type to this path answer 500, the next ones 200. */
    private static void failTwiceThenAnswer(String path, String job, String type) {
        String scenario = path + job;
        String[] states = {Scenario.STARTED, "failed-1", "failed-2"};
        for (int i = 0; i < 2; i++) {
            CRM.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing(job)).withHeader("X-Storeganise-Event-Type", equalTo(type))
                    .atPriority(1).inScenario(scenario).whenScenarioStateIs(states[i]).willSetStateTo(states[i + 1])
                    .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"try again\"}")));
        }
        CRM.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing(job)).withHeader("X-Storeganise-Event-Type", equalTo(type))
                .atPriority(1).inScenario(scenario).whenScenarioStateIs("failed-2").willReturn(okJson("{\"received\":true}")));
    }

    /** Posts a signed event about this job and waits for its acknowledgement, as Storeganise does; its id. */
    private String send(String type, String job) {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, type, java.time.Instant.now(), "{\"jobId\":\"" + job + "\"}");
        HttpResponse<String> answer = Webhooks.post(webhookUrl(), body, Webhooks.sign(HubTestSupport.SECRET, body));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return id;
    }

    private static List<Received> ofJobs(List<Received> received, List<String> jobs) {
        return received.stream().filter(r -> jobs.contains(r.jobId())).toList();
    }

    private static int indexOf(List<Received> received, String eventId) {
        for (int i = 0; i < received.size(); i++) {
            if (eventId.equals(received.get(i).eventId())) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(List<Received> received, Received one) {
        return received.indexOf(one);
    }
}
