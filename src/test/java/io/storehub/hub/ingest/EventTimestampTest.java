package io.storehub.hub.ingest;

import java.time.DateTimeException;
import java.time.OffsetDateTime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The direct reading of Storeganise's timestamp form agrees with java.time, and leaves every other form to it. */
class EventTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"2021-11-21T11:26:32.105Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00.000Z", "2030-12-31T00:00:00.001Z"})
    void readsStoreganiseFormLikeJavaTime(String text) {
        assertThat(EventValidator.utcMillis(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-11-21T11:26:32Z", "2021-11-21T11:26:32.105+01:00", "2021-11-21T11:26:32.105123Z", "2021-11-21 11:26:32.105Z",
            "2021-1x-21T11:26:32.105Z", "yesterday"})
    void leavesOtherFormsToJavaTime(String text) {
        assertThat(EventValidator.utcMillis(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-13-21T11:26:32.105Z", "2023-02-29T11:26:32.105Z", "2021-11-21T24:00:00.000Z", "2021-11-21T11:60:00.000Z"})
    void refusesImpossibleDatesAsJavaTimeDoes(String text) {
        assertThatThrownBy(() -> EventValidator.utcMillis(text)).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> OffsetDateTime.parse(text)).isInstanceOf(DateTimeException.class);
    }
}
