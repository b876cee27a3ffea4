package io.storehub.hub.history;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.storehub.hub.support.Sql;

/** Small conversions shared by the history classes: UTC timestamps for JDBC, size caps, LIKE patterns. */
final class Texts {

    private Texts() {
    }

    /** The longest prefix of UTF-8 {@code bytes} that fits in {@code max} bytes, cut at a character boundary. */
    static String utf8Prefix(byte[] bytes, int max) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.IGNORE).onUnmappableCharacter(CodingErrorAction.IGNORE);
        CharBuffer out = CharBuffer.allocate(max);
        decoder.decode(ByteBuffer.wrap(bytes, 0, Math.min(max, bytes.length)), out, true);
        out.flip();
        return out.toString();
    }

    static String cap(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** TIMESTAMP columns hold UTC (a portable choice: no time zone type needed on H2 or PostgreSQL). */
    static LocalDateTime utc(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /** A TIMESTAMP parameter for {@link Sql#bind}. */
    static Object time(Long epochMillis) {
        return epochMillis == null ? new Sql.Null(Types.TIMESTAMP) : utc(epochMillis);
    }

    static Object integer(Integer value) {
        return value == null ? new Sql.Null(Types.INTEGER) : value;
    }

    static Object bigint(Long value) {
        return value == null ? new Sql.Null(Types.BIGINT) : value;
    }

    static Object bool(Boolean value) {
        return value == null ? new Sql.Null(Types.BOOLEAN) : value;
    }

    /**
     * The event searches' shared conditions on {@code hub_event e}: its type (exact, or a glob with
     * {@code *}) and when it was received ({@code from} inclusive, {@code to} exclusive); null: no condition.
     * Receipt times are kept to the millisecond, so {@code from} is too: an event received later within
     * {@code from}'s millisecond is kept as that millisecond, and still matches.
     */
    static void typeAndReceived(StringBuilder sql, List<Object> args, String type, Instant from, Instant to) {
        if (type != null && type.contains("*")) {
            and(sql, args, " AND e.event_type LIKE ? ESCAPE '\\'", likeGlob(type));
        } else {
            and(sql, args, " AND e.event_type = ?", type);
        }
        and(sql, args, " AND e.received_at >= ?", utc(from == null ? null : from.truncatedTo(ChronoUnit.MILLIS)));
        and(sql, args, " AND e.received_at < ?", utc(to));
    }

    /** Appends {@code clause} and its one parameter {@code value}; nothing when the value is null (no condition). */
    static void and(StringBuilder sql, List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            args.add(value);
        }
    }

    /** A LIKE pattern (escape character {@code \}) matching {@code glob}, where {@code *} is any text. */
    static String likeGlob(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append('%');
                case '%', '_', '\\' -> sb.append('\\').append(c);
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A LIKE pattern matching any text containing {@code text}. */
    static String likeContains(String text) {
        return "%" + likeGlob(text.replace("*", "")) + "%";
    }

    /** {@code ?,?,?} for an IN list of n values. */
    static String marks(int n) {
        return "?,".repeat(n - 1) + "?";
    }
}
