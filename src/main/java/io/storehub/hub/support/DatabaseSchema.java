package io.storehub.hub.support;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the hub's tables up to date at start-up (Flyway, db/migration), declared first in
 * routes/beans.camel.yaml so it runs on every runtime before any bean uses a table. A database from
 * before the migrations is baselined at 0, so V1 ({@code CREATE TABLE IF NOT EXISTS}) keeps its rows.
 */
public class DatabaseSchema {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSchema.class);

    private DataSource dataSource;

    public void migrate() {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
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
}
