package io.storehub.hub.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class DispatchByFamilyTest extends HubTestSupport {

    @Autowired
    MeterRegistry meters;

    static Stream<Arguments> documentedTypes() {
        return EventCatalog.TYPES.stream().map(t -> Arguments.of(t.type(), "family-" + t.family()));
    }

    @Test
    void theCatalogNamesAll37DocumentedTypesWithAMeaning() {
        assertThat(EventCatalog.TYPES).hasSize(37);
        assertThat(EventCatalog.TYPES).allSatisfy(t -> assertThat(t.meaning()).isNotBlank());
        assertThat(EventCatalog.TYPES.stream().map(EventCatalog.EventType::type).distinct()).hasSize(37);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("documentedTypes")
    void eachDocumentedTypeReachesItsFamilySubRoute(String type, String familyRoute) {
        String id = Webhooks.newId();
        NotifyBuilder handled = whenRouteHandled(familyRoute, id);
        NotifyBuilder handedOff = whenRouteHandled("deliver", id);

        assertThat(postSigned(Webhooks.event(id, type)).statusCode()).isEqualTo(200);

        assertThat(handled.matches(10, TimeUnit.SECONDS)).as("reached " + familyRoute).isTrue();
        assertThat(handedOff.matches(10, TimeUnit.SECONDS)).as("handed off to deliver").isTrue();
    }

    @Test
    void familiesFollowTheTypePrefixes() {
        List<String> mismatches = new ArrayList<>();
        EventCatalog.TYPES.forEach(t -> {
            String expected = expectedFamily(t.type());
            if (!expected.equals(t.family())) {
                mismatches.add(t.type() + " is in " + t.family() + ", expected " + expected);
            }
        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void anUndocumentedTypeReachesTheGenericRouteAndIsCounted() {
        String type = "unit.updated.v" + System.nanoTime(); // not one of the 37, even though it looks like a unit event
        String first = Webhooks.newId();
        String second = Webhooks.newId();
        NotifyBuilder generic = whenRouteHandled("family-other", first);
        NotifyBuilder genericAgain = whenRouteHandled("family-other", second);

        assertThat(postSigned(Webhooks.event(first, type)).statusCode()).isEqualTo(200);
        assertThat(postSigned(Webhooks.event(second, type)).statusCode()).isEqualTo(200);

        assertThat(generic.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(genericAgain.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(meters.get("storeganise.events.unknown").tag("type", type).counter().count()).isEqualTo(2.0);
    }

    private static String expectedFamily(String type) {
        String[][] prefixes = {
                {"job.unit_moveIn.", "job-move-in"}, {"job.unit_moveOut.", "job-move-out"},
                {"job.unit_transfer.", "job-transfer"}, {"job.valetOrder.", "job-valet-order"},
                {"unitRental.", "unit-rental"}, {"unit.", "unit"}, {"valet.invoice.", "valet-invoice"},
                {"invoice.", "invoice"}, {"user.", "user"}, {"site.", "site"}, {"business.", "business"},
                {"addon.", "addon"}, {"items.", "items"}};
        for (String[] p : prefixes) {
            if (type.startsWith(p[0])) {
                return p[1];
            }
        }
        return EventCatalog.OTHER;
    }
}
