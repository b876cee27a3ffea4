-- Ids the hub must remember durably, one namespace per processorName:
--   storeganise-webhook   event ids already stored (Storeganise's retries answer "duplicate")
--   storeganise-delivery  "eventId:destination" delivered successfully (never sent twice)
--   storeganise-payment, storeganise-alert   recipe records
-- The table and columns are the ones camel-sql's JdbcMessageIdRepository created in earlier
-- versions, so an existing data directory keeps its records.
CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255) NOT NULL,
    messageId VARCHAR(255) NOT NULL,
    createdAt TIMESTAMP NOT NULL,
    PRIMARY KEY (processorName, messageId)
);
