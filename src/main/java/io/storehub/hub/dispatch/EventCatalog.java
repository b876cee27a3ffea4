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
 * The 37 event types Storeganise documents, each with its family sub-route, title and meaning: the one place
 * that maps a type to a family. An unknown type goes to {@code other}, logged once (Storeganise adds types).
 */
public class EventCatalog implements Processor {

    public static final String OTHER = "other";

    public record EventType(String type, String family, String title, String meaning) {
    }

    public static final List<EventType> TYPES = List.of(
            new EventType("business.updated", "business", "Business settings updated", "Global business settings were updated"),
            new EventType("site.settings.updated", "site", "Site settings updated", "A site's (advanced) settings were updated"),
            new EventType("site.availability.updated", "site", "Site availability updated", "A site's availability state changed"),
            new EventType("addon.installed", "addon", "Add-on installed", "An add-on was installed"),
            new EventType("addon.customFields.validate", "addon", "Add-on custom fields to validate",
                    "An add-on's custom fields were updated and need validating"),
            new EventType("items.updated", "items", "Valet items updated", "An item within a valet order was updated"),
            new EventType("job.unit_moveIn.create.started", "job-move-in", "Move-in order started",
                    "A customer started a move-in order but has not submitted it"),
            new EventType("job.unit_moveIn.started", "job-move-in", "Move-in confirmed", "A move-in order was confirmed; invoicing follows"),
            new EventType("job.unit_moveIn.created", "job-move-in", "Move-in requested",
                    "A customer submitted a move-in order awaiting operator confirmation"),
            new EventType("job.unit_moveIn.completed", "job-move-in", "Move-in completed", "A move-in job was completed"),
            new EventType("job.unit_moveIn.cancelled", "job-move-in", "Move-in cancelled", "An operator cancelled a move-in job"),
            new EventType("job.unit_moveOut.created", "job-move-out", "Move-out scheduled", "An operator scheduled a move-out"),
            new EventType("job.unit_moveOut.completed", "job-move-out", "Move-out completed", "A move-out job was completed"),
            new EventType("job.unit_moveOut.cancelled", "job-move-out", "Move-out cancelled", "An operator cancelled a move-out job"),
            new EventType("job.unit_transfer.completed", "job-transfer", "Unit transfer completed", "A unit transfer was completed"),
            new EventType("job.valetOrder.submitted", "job-valet-order", "Valet order submitted", "A customer submitted a valet order"),
            new EventType("job.valetOrder.created", "job-valet-order", "Valet order created",
                    "A valet order was created, awaiting operator confirmation"),
            new EventType("job.valetOrder.started", "job-valet-order", "Valet order confirmed", "A valet order was confirmed; invoicing follows"),
            new EventType("job.valetOrder.completed", "job-valet-order", "Valet order completed", "A valet order was completed"),
            new EventType("job.valetOrder.cancelled", "job-valet-order", "Valet order cancelled", "An operator cancelled a valet order"),
            new EventType("unit.reserved", "unit", "Unit reserved", "A customer reserved a unit, awaiting operator confirmation"),
            new EventType("unit.occupied", "unit", "Unit occupied", "A unit became occupied after a move-in or transfer"),
            new EventType("unit.blocked", "unit", "Unit blocked", "An operator blocked a unit, with a reason"),
            new EventType("unit.unassigned", "unit", "Unit unassigned", "An operator unassigned a unit from a customer"),
            new EventType("unit.unblocked", "unit", "Unit unblocked", "An operator unblocked a unit"),
            new EventType("unit.archived", "unit", "Unit archived", "An operator archived a unit"),
            new EventType("unitRental.markOverdue", "unit-rental", "Rental overdue", "A rental's invoice became past due"),
            new EventType("unitRental.unmarkOverdue", "unit-rental", "Rental no longer overdue", "A rental's overdue status was removed"),
            new EventType("unitRental.updated", "unit-rental", "Rental updated", "A rental's details (price, state, ...) changed"),
            new EventType("unitRental.invoice.created", "unit-rental", "Rental invoice created", "An invoice was generated for a unit rental"),
            new EventType("user.created", "user", "New user", "A user was created"),
            new EventType("user.updated", "user", "User updated", "A user's information was modified"),
            new EventType("user.billing.updated", "user", "User billing details updated", "A user's billing details were modified"),
            new EventType("valet.invoice.created", "valet-invoice", "Valet invoice created", "An invoice was created for a valet order"),
            new EventType("invoice.state.updated", "invoice", "Invoice state changed", "An invoice's state (draft, sent, paid, ...) changed"),
            new EventType("invoice.payments.updated", "invoice", "Invoice payments updated",
                    "An invoice's payments changed (also on deleted payments)"),
            new EventType("invoice.deleted", "invoice", "Invoice deleted", "An invoice was deleted"));

    private static final Logger LOG = LoggerFactory.getLogger(EventCatalog.class);
    private static final Map<String, EventType> BY_TYPE = TYPES.stream().collect(Collectors.toMap(EventType::type, t -> t));

    private final Set<String> unknownSeen = ConcurrentHashMap.newKeySet();

    /** Sets {@link Headers#FAMILY} and {@link Headers#KNOWN_TYPE} from {@link Headers#EVENT_TYPE}. */
    @Override
    public void process(Exchange exchange) {
        String type = exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class);
        EventType known = find(type);
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

    /** What an event of this type means, for the messages' headlines. */
    public static String meaningOf(String type) {
        EventType known = find(type);
        return known != null ? known.meaning() : "Storeganise event " + type;
    }

    /** The documented type, or null for one the catalog does not know. */
    public static EventType find(String type) {
        return type == null ? null : BY_TYPE.get(type);
    }
}
