-- Timers that run once per cluster, not once per replica (io.storehub.hub.support.ClusterLock, the
-- clusterLock bean): one row per timer, held by the replica that runs it until lock_until. The
-- columns are ShedLock's (net.javacrumbs.shedlock, JdbcLockProvider), which reads and writes them.
CREATE TABLE IF NOT EXISTS hub_cluster_lock (
    name VARCHAR(64) NOT NULL,
    lock_until TIMESTAMP NOT NULL,
    locked_at TIMESTAMP NOT NULL,
    locked_by VARCHAR(255) NOT NULL,
    PRIMARY KEY (name)
);
