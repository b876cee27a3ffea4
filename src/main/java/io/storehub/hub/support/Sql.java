package io.storehub.hub.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * One statement of plain JDBC: its parameters bound in order ({@link #bind}), its rows read by a {@link Row};
 * and which database it runs on ({@link #kind}).
 */
public final class Sql {

    /** A parameter that is SQL NULL of this {@link java.sql.Types} type (a plain null binds as a NULL text). */
    public record Null(int sqlType) {
    }

    /** Reads the current row of a result. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** What runs in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The databases the hub tells apart; a bean asks once and keeps the answer, never per statement. */
    public enum Kind {
        /** H2 in this process ({@code jdbc:h2:} but not {@code tcp:} or {@code ssl:}): no network to wait on. */
        EMBEDDED_H2,
        H2_SERVER,
        POSTGRESQL,
        OTHER;

        public boolean isH2() {
            return this == EMBEDDED_H2 || this == H2_SERVER;
        }
    }

    private Sql() {
    }

    public static Kind kind(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String url = c.getMetaData().getURL();
        if (url != null && url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:")) {
            return Kind.EMBEDDED_H2;
        }
        return product.contains("h2") ? Kind.H2_SERVER : product.contains("postgres") ? Kind.POSTGRESQL : Kind.OTHER;
    }

    public static Kind kind(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return kind(c);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row.read(rs));
            }
        }
        return out;
    }

    public static <T> List<T> list(DataSource dataSource, String sql, Row<T> row, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return list(c, sql, row, args);
        }
    }

    /** The first row read, or null when there is none. */
    public static <T> T first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? row.read(rs) : null;
        }
    }

    public static <T> T first(DataSource dataSource, String sql, Row<T> row, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return first(c, sql, row, args);
        }
    }

    /** The number of a {@code SELECT COUNT(*)}. */
    public static long count(Connection c, String sql, Object... args) throws SQLException {
        return first(c, sql, rs -> rs.getLong(1), args);
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    public static int update(DataSource dataSource, String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, args);
        }
    }

    /** SQLState class 23: an integrity constraint (the primary key) refused the row. */
    public static boolean isDuplicateKey(SQLException e) {
        return Causes.any(e, t -> t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23"));
    }

    /** Sets the parameters from the first: a null as a NULL text, a {@link Null} as a NULL of its type, the others as objects. */
    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else if (args[i] instanceof Null n) {
                ps.setNull(i + 1, n.sqlType());
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bind(ps, args);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
