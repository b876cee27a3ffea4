package io.storehub.hub.recipes;

import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.storehub.hub.support.Sql;

/**
 * The failure-alert incidents, table {@code hub_incident} (V40), one row per destination. Each change is
 * a conditional statement whose update count says whether this instance made it (and sends the message);
 * a message is claimed until a time, so one not sent is claimed again at a later check.
 */
public class IncidentStore {

    /** One row: an incident of a destination. Times are epoch milliseconds. */
    public record Incident(String destination, int number, String state, long failingSince, long openedAt, Long closedAt,
                           String firstError, Integer httpStatus, int failed, String notice, long noticeAt, int noticeFailed,
                           boolean toPending, boolean taskPending) {
        boolean open() {
            return "open".equals(state);
        }
    }

    private static final String COLUMNS = "destination, incident_no, state, failing_since, opened_at, closed_at, first_error,"
            + " http_status, failed, notice, notice_at, notice_failed, to_pending, task_pending";

    private DataSource dataSource;

    /** The destination's current or last incident, or null. */
    public Incident find(String destination) throws SQLException {
        List<Incident> found = select("WHERE destination = ?", destination);
        return found.isEmpty() ? null : found.get(0);
    }

    public Map<String, Incident> open() throws SQLException {
        Map<String, Incident> open = new LinkedHashMap<>();
        for (Incident i : select("WHERE state = 'open'")) {
            open.put(i.destination(), i);
        }
        return open;
    }

    /**
     * Opens an incident for the destination after {@code last} (its previous incident, closed, or null for
     * its first); answers whether this instance opened it (false: another did, or one is open already).
     */
    public boolean open(Incident last, String destination, long failingSince, String error, Integer status, int failed, long now,
                        boolean toPending, boolean taskPending, long claimUntil) throws SQLException {
        Object text = error == null ? new Sql.Null(Types.VARCHAR) : error.length() > 1000 ? error.substring(0, 1000) : error;
        Object code = status == null ? new Sql.Null(Types.INTEGER) : status;
        if (last == null) {
            try {
                return update("INSERT INTO hub_incident (" + COLUMNS + ", claimed_until) VALUES (?, 1, 'open', ?, ?, NULL, ?, ?, ?,"
                        + " 'open', ?, ?, ?, ?, ?)", destination, failingSince, now, text, code, failed, now, failed, toPending,
                        taskPending, claimUntil) == 1;
            } catch (SQLException e) {
                if (Sql.isDuplicateKey(e)) {
                    return false; // another instance inserted it first
                }
                throw e;
            }
        }
        return update("UPDATE hub_incident SET incident_no = incident_no + 1, state = 'open', failing_since = ?, opened_at = ?,"
                + " closed_at = NULL, first_error = ?, http_status = ?, failed = ?, notice = 'open', notice_at = ?, notice_failed = ?,"
                + " to_pending = ?, task_pending = ?, claimed_until = ? WHERE destination = ? AND incident_no = ? AND state = 'closed'",
                failingSince, now, text, code, failed, now, failed, toPending, taskPending, claimUntil, destination, last.number()) == 1;
    }

    public void addFailed(Incident incident, int failed) throws SQLException {
        update("UPDATE hub_incident SET failed = failed + ? WHERE destination = ? AND incident_no = ? AND state = 'open'",
                failed, incident.destination(), incident.number());
    }

    /** A reminder, when the last message is older than {@code notBefore} and more deliveries failed since; true: this instance sends it. */
    public boolean remind(Incident incident, long now, long notBefore, boolean toPending, long claimUntil) throws SQLException {
        return update("UPDATE hub_incident SET notice = 'reminder', notice_at = ?, notice_failed = failed, to_pending = ?,"
                + " claimed_until = ? WHERE destination = ? AND incident_no = ? AND state = 'open' AND notice_at <= ?"
                + " AND failed > notice_failed AND to_pending = FALSE AND task_pending = FALSE",
                now, toPending, claimUntil, incident.destination(), incident.number(), notBefore) == 1;
    }

    /** Closes the open incident (the destination delivered again); true: this instance closed it and sends the recovery. */
    public boolean close(Incident incident, int failed, long now, boolean toPending, long claimUntil) throws SQLException {
        return update("UPDATE hub_incident SET state = 'closed', closed_at = ?, failed = failed + ?, notice = 'recovery', notice_at = ?,"
                + " notice_failed = failed + ?, to_pending = ?, task_pending = FALSE, claimed_until = ?"
                + " WHERE destination = ? AND incident_no = ? AND state = 'open'",
                now, failed, now, failed, toPending, claimUntil, incident.destination(), incident.number()) == 1;
    }

    /** The messages decided but not sent (a failed channel, a crashed sender) whose claim lapsed, claimed now by this instance. */
    public List<Incident> claimUnsent(long now, long claimUntil) throws SQLException {
        List<Incident> claimed = new ArrayList<>();
        for (Incident i : select("WHERE (to_pending = TRUE OR task_pending = TRUE) AND (claimed_until IS NULL OR claimed_until < ?)", now)) {
            if (update("UPDATE hub_incident SET claimed_until = ? WHERE destination = ? AND incident_no = ? AND notice = ?"
                    + " AND (claimed_until IS NULL OR claimed_until < ?)", claimUntil, i.destination(), i.number(), i.notice(), now) == 1) {
                claimed.add(i);
            }
        }
        return claimed;
    }

    /** One channel of the message sent: {@code to} (the alert destination) or {@code task}. */
    public void sent(String destination, int number, String notice, String channel) throws SQLException {
        update("UPDATE hub_incident SET " + ("task".equals(channel) ? "task_pending" : "to_pending") + " = FALSE"
                + " WHERE destination = ? AND incident_no = ? AND notice = ?", destination, number, notice);
    }

    /** The sender is done with the message (what was not sent is claimed again at a later check). */
    public void release(String destination, int number, String notice) throws SQLException {
        update("UPDATE hub_incident SET claimed_until = NULL WHERE destination = ? AND incident_no = ? AND notice = ?",
                destination, number, notice);
    }

    private List<Incident> select(String where, Object... args) throws SQLException {
        return Sql.list(dataSource, "SELECT " + COLUMNS + " FROM hub_incident " + where + " ORDER BY destination",
                rs -> new Incident(rs.getString("destination"), rs.getInt("incident_no"), rs.getString("state"),
                        rs.getLong("failing_since"), rs.getLong("opened_at"), rs.getObject("closed_at", Long.class),
                        rs.getString("first_error"), rs.getObject("http_status", Integer.class),
                        rs.getInt("failed"), rs.getString("notice"), rs.getLong("notice_at"), rs.getInt("notice_failed"),
                        rs.getBoolean("to_pending"), rs.getBoolean("task_pending")), args);
    }

    private int update(String sql, Object... args) throws SQLException {
        return Sql.update(dataSource, sql, args);
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }
}
