package io.storehub.hub.dispatch;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.storehub.hub.support.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 37 event types Storeganise documents, each with its family sub-route and meaning: the one place
 * that maps a type to a family. An unknown type goes to {@code other}, logged once (Storeganise adds types).
 */
public class EventCatalog implements Processor {

    public static final String OTHER = "other";

    public record EventType(String type, String family, String meaning) {
    }

    public static final List<EventType> TYPES = List.of(
            new EventType("business.updated", "business", "Global business settings were updated"),
            new EventType("site.settings.updated", "site", "A site's (advanced) settings were updated"),
            new EventType("site.availability.updated", "site", "A site's availability state changed"),
            new EventType("addon.installed", "addon", "An add-on was installed"),
            new EventType("addon.customFields.validate", "addon", "An add-on's custom fields were updated and need validating"),
            new EventType("items.updated", "items", "An item within a valet order was updated"),
            new EventType("job.unit_moveIn.create.started", "job-move-in", "A customer started a move-in order but has not submitted it"),
            new EventType("job.unit_moveIn.started", "job-move-in", "A move-in order was confirmed; invoicing follows"),
            new EventType("job.unit_moveIn.created", "job-move-in", "A customer submitted a move-in order awaiting operator confirmation"),
            new EventType("job.unit_moveIn.completed", "job-move-in", "A move-in job was completed"),
            new EventType("job.unit_moveIn.cancelled", "job-move-in", "An operator cancelled a move-in job"),
            new EventType("job.unit_moveOut.created", "job-move-out", "An operator scheduled a move-out"),
            new EventType("job.unit_moveOut.completed", "job-move-out", "A move-out job was completed"),
            new EventType("job.unit_moveOut.cancelled", "job-move-out", "An operator cancelled a move-out job"),
            new EventType("job.unit_transfer.completed", "job-transfer", "A unit transfer was completed"),
            new EventType("job.valetOrder.submitted", "job-valet-order", "A customer submitted a valet order"),
            new EventType("job.valetOrder.created", "job-valet-order", "A valet order was created, awaiting operator confirmation"),
            new EventType("job.valetOrder.started", "job-valet-order", "A valet order was confirmed; invoicing follows"),
            new EventType("job.valetOrder.completed", "job-valet-order", "A valet order was completed"),
            new EventType("job.valetOrder.cancelled", "job-valet-order", "An operator cancelled a valet order"),
            new EventType("unit.reserved", "unit", "A customer reserved a unit, awaiting operator confirmation"),
            new EventType("unit.occupied", "unit", "A unit became occupied after a move-in or transfer"),
            new EventType("unit.blocked", "unit", "An operator blocked a unit, with a reason"),
            new EventType("unit.unassigned", "unit", "An operator unassigned a unit from a customer"),
            new EventType("unit.unblocked", "unit", "An operator unblocked a unit"),
            new EventType("unit.archived", "unit", "An operator archived a unit"),
            new EventType("unitRental.markOverdue", "unit-rental", "A rental's invoice became past due"),
            new EventType("unitRental.unmarkOverdue", "unit-rental", "A rental's overdue status was removed"),
            new EventType("unitRental.updated", "unit-rental", "A rental's details (price, state, ...) changed"),
            new EventType("unitRental.invoice.created", "unit-rental", "An invoice was generated for a unit rental"),
            new EventType("user.created", "user", "A user was created"),
            new EventType("user.updated", "user", "A user's information was modified"),
            new EventType("user.billing.updated", "user", "A user's billing details were modified"),
            new EventType("valet.invoice.created", "valet-invoice", "An invoice was created for a valet order"),
            new EventType("invoice.state.updated", "invoice", "An invoice's state (draft, sent, paid, ...) changed"),
            new EventType("invoice.payments.updated", "invoice", "An invoice's payments changed (also on deleted payments)"),
            new EventType("invoice.deleted", "invoice", "An invoice was deleted"));

    private static final Logger LOG = LoggerFactory.getLogger(EventCatalog.class);
    private static final Map<String, EventType> BY_TYPE = TYPES.stream().collect(Collectors.toMap(EventType::type, t -> t));

    private final Set<String> unknownSeen = ConcurrentHashMap.newKeySet();

    /** Sets {@link Headers#FAMILY} and {@link Headers#KNOWN_TYPE} from {@link Headers#EVENT_TYPE}. */
    @Override
    public void process(Exchange exchange) {
        String type = exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class);
        EventType known = type == null ? null : BY_TYPE.get(type);
        exchange.getIn().setHeader(Headers.KNOWN_TYPE, known != null);
        exchange.getIn().setHeader(Headers.FAMILY, known != null ? known.family() : OTHER);
        if (known == null && type != null && unknownSeen.size() < 1000 && unknownSeen.add(type)) {
            LOG.warn("First event of undocumented type '{}': accepted and handled by the generic route", type);
        }
    }

    public static String familyOf(String type) {
        EventType known = BY_TYPE.get(type);
        return known != null ? known.family() : OTHER;
    }
}
