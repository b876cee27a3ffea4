-- Per-destination rate limits shared by all replicas (io.storehub.hub.deliver.DatabaseBuckets):
-- one Bucket4j token bucket per destination and limit ("crm@10/PT1S"), its state as base64 text,
-- locked with SELECT ... FOR UPDATE for each reservation. Used when storeganise.delivery.rate-limit-scope
-- is cluster (the default on PostgreSQL); a few rows, never growing with traffic.
CREATE TABLE IF NOT EXISTS hub_rate_limit (
    id VARCHAR(200) NOT NULL,
    state VARCHAR(4000),
    PRIMARY KEY (id)
);
