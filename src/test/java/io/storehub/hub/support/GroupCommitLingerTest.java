package io.storehub.hub.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The linger of {@link GroupCommit}: patient items (queue consumers) wait a little to share a commit,
 * impatient ones (a webhook waiting for its answer) are committed at once and take the waiting ones along.
 * The linger is set far longer than any of these tests may take, so a wrong wait shows as a timeout.
 */
class GroupCommitLingerTest {

    private static final long LONG_LINGER_MICROS = TimeUnit.SECONDS.toMicros(30);

    /** Commits by recording each batch. */
    static final class RecordingCommit extends GroupCommit<String, String> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        RecordingCommit() {
            super("test-group-commit", 64, 60_000);
        }

        @Override
        protected List<String> commit(List<String> batch) {
            batches.add(List.copyOf(batch));
            return batch.stream().map(s -> "ok " + s).toList();
        }
    }

    private final RecordingCommit commit = new RecordingCommit();

    @AfterEach
    void stop() throws InterruptedException {
        commit.stop();
    }

    @Test
    void impatientItemIsCommittedAtOnceWhateverTheLinger() throws Exception {
        commit.setLingerMicros(LONG_LINGER_MICROS);

        assertThat(commit.submit("webhook").get(5, TimeUnit.SECONDS)).isEqualTo("ok webhook");
        assertThat(commit.batches).containsExactly(List.of("webhook"));
    }

    @Test
    void patientItemsWaitToShareOneCommit() throws Exception {
        commit.setLingerMicros(TimeUnit.MILLISECONDS.toMicros(500));

        CompletableFuture<String> first = commit.submit("delivery-1", true);
        CompletableFuture<String> second = commit.submit("delivery-2", true);
        CompletableFuture<String> third = commit.submit("delivery-3", true);

        assertThat(CompletableFuture.allOf(first, second, third)).succeedsWithin(5, TimeUnit.SECONDS);
        assertThat(third.get()).isEqualTo("ok delivery-3");
        assertThat(commit.batches).containsExactly(List.of("delivery-1", "delivery-2", "delivery-3"));
    }

    @Test
    void impatientItemEndsTheWaitOfPatientOnes() throws Exception {
        commit.setLingerMicros(LONG_LINGER_MICROS);

        CompletableFuture<String> patient = commit.submit("delivery", true);
        // the writer has taken the patient item and waits for company
        await().atMost(5, TimeUnit.SECONDS).until(() -> commit.queued() == 0);
        assertThat(patient).isNotDone();
        CompletableFuture<String> webhook = commit.submit("webhook");

        assertThat(CompletableFuture.allOf(patient, webhook)).succeedsWithin(5, TimeUnit.SECONDS);
        assertThat(commit.batches).containsExactly(List.of("delivery", "webhook"));
    }

    @Test
    void withoutLingerPatientItemsAreCommittedAtOnce() throws Exception {
        commit.setLingerMicros(0);

        assertThat(commit.submit("delivery", true).get(5, TimeUnit.SECONDS)).isEqualTo("ok delivery");
        assertThat(commit.batches).containsExactly(List.of("delivery"));
    }

    @Test
    void stoppingCommitsWaitingPatientItemsWithoutWaitingOutTheLinger() throws Exception {
        commit.setLingerMicros(LONG_LINGER_MICROS);

        CompletableFuture<String> patient = commit.submit("delivery", true);
        await().atMost(5, TimeUnit.SECONDS).until(() -> commit.queued() == 0); // the batch has begun lingering
        commit.stop();

        assertThat(patient).succeedsWithin(5, TimeUnit.SECONDS);
    }
}
