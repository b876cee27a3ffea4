package io.storehub.hub.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * The console's sessions, in the database (table {@code hub_console_session}) so every replica knows
 * every session: a random id whose SHA-256 is kept, the user, a CSRF token and the expiry.
 */
final class ConsoleSessions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DataSource dataSource;
    private Duration sessionTimeout = Duration.ofHours(8);
    private Clock clock = Clock.systemUTC();

    /** Opens a session for the user (of a tenant, or null): answers its id, of which the database keeps only the SHA-256. */
    String open(String user, String tenant) throws SQLException {
        String id = token(32);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO hub_console_session (id_hash, csrf_token, username, created_at, expires_at,"
                     + " tenant) VALUES (?,?,?,?,?,?)")) {
            Instant now = clock.instant();
            ps.setString(1, sha256(id));
            ps.setString(2, token(24));
            ps.setString(3, user);
            ps.setObject(4, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.setObject(5, LocalDateTime.ofInstant(now.plus(sessionTimeout), ZoneOffset.UTC));
            ps.setString(6, tenant);
            ps.executeUpdate();
        }
        return id;
    }

    /** Deletes the session with this id. */
    void close(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM hub_console_session WHERE id_hash = ?")) {
            ps.setString(1, sha256(id));
            ps.executeUpdate();
        }
    }

    /** Forgets expired sessions; answers how many. */
    int purge() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM hub_console_session WHERE expires_at < ?")) {
            ps.setObject(1, LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            return ps.executeUpdate();
        }
    }

    /** The session with this id ({@code csrf}, {@code user}, {@code tenant}), or null when there is none or it expired. */
    Map<String, String> find(String id) throws SQLException {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return null;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT csrf_token, username, tenant, expires_at FROM hub_console_session WHERE id_hash = ?")) {
            ps.setString(1, sha256(id));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                LocalDateTime expires = rs.getObject("expires_at", LocalDateTime.class);
                if (expires.toInstant(ZoneOffset.UTC).isBefore(clock.instant())) {
                    return null;
                }
                Map<String, String> session = new LinkedHashMap<>();
                session.put("csrf", rs.getString("csrf_token"));
                session.put("user", rs.getString("username"));
                session.put("tenant", rs.getString("tenant"));
                return session;
            }
        }
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

    void setClock(Clock clock) {
        this.clock = clock;
    }
}
