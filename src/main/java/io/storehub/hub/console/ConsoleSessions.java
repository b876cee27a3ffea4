package io.storehub.hub.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.storehub.hub.support.Sql;

/**
 * The console's sessions, in the database (table {@code hub_console_session}) so every replica knows
 * every session: a random id whose SHA-256 is kept, the user, a CSRF token and the expiry.
 */
final class ConsoleSessions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DataSource dataSource;
    private Duration sessionTimeout = Duration.ofHours(8);

    /** Opens a session for the user (of a tenant, or null): answers its id, of which the database keeps only the SHA-256. */
    String open(String user, String tenant) throws SQLException {
        String id = token(32);
        Instant now = Instant.now();
        Sql.update(dataSource, "INSERT INTO hub_console_session (id_hash, csrf_token, username, created_at, expires_at, tenant)"
                + " VALUES (?,?,?,?,?,?)", sha256(id), token(24), user, utc(now), utc(now.plus(sessionTimeout)), tenant);
        return id;
    }

    void close(String id) throws SQLException {
        Sql.update(dataSource, "DELETE FROM hub_console_session WHERE id_hash = ?", sha256(id));
    }

    /** Forgets expired sessions; answers how many. */
    int purge() throws SQLException {
        return Sql.update(dataSource, "DELETE FROM hub_console_session WHERE expires_at < ?", utc(Instant.now()));
    }

    /** The session with this id ({@code csrf}, {@code user}, {@code tenant}), or null when there is none or it expired. */
    Map<String, String> find(String id) throws SQLException {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return null;
        }
        return Sql.first(dataSource, "SELECT csrf_token, username, tenant FROM hub_console_session WHERE id_hash = ? AND expires_at >= ?",
                rs -> {
                    Map<String, String> session = new LinkedHashMap<>();
                    session.put("csrf", rs.getString("csrf_token"));
                    session.put("user", rs.getString("username"));
                    session.put("tenant", rs.getString("tenant"));
                    return session;
                }, sha256(id), utc(Instant.now()));
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static String token(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Duration timeout() {
        return sessionTimeout;
    }

    void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }
}
