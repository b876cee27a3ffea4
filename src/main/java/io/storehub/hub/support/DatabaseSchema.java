package io.storehub.hub.support;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the hub's tables up to date at start-up: the versioned migrations in
 * {@code src/main/resources/db/migration} (Flyway), in whichever database is configured (H2 file by
 * default, PostgreSQL in production). A plain bean with an init method, declared first in
 * routes/beans.camel.yaml, so the same migrations run on Spring Boot, camel-main and Camel K, and
 * before any bean that uses a table. With several replicas starting at once Flyway's lock lets one
 * migrate while the others wait.
 *
 * <p>An existing database from before the migrations (tables created by camel-sql) is baselined at
 * version 0, so V1 ({@code CREATE TABLE IF NOT EXISTS}) runs and keeps its rows.
 */
public class DatabaseSchema {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSchema.class);

    private DataSource dataSource;
    private String locations = "classpath:db/migration";

    public void migrate() {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(locations.split(","))
                .table("hub_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        MigrateResult result = flyway.migrate();
        LOG.info("Database schema at version {} ({} migration(s) applied now)",
                flyway.info().current() == null ? "none" : flyway.info().current().getVersion(), result.migrationsExecuted);
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Comma-separated Flyway locations (default {@code classpath:db/migration}). */
    public void setLocations(String locations) {
        this.locations = locations;
    }
}
