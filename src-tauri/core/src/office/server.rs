//! The office's PostgreSQL server, which holds the shared history and
//! nothing else: connecting (TLS through rustls with the system's
//! authorities and `COOPDESK_EXTRA_CA`, whenever the address's `sslmode`
//! asks for it; the password from `PGPASSWORD`, never stored), the server
//! schema's own migrations, and the few statements coopdesk runs there.
//! What comes back is untrusted: bounded here, verified by `roster`.

use super::event::{SignedEvent, MAX_ENVELOPE};
use crate::error::{Error, Result};
use std::sync::Arc;
use tokio_postgres::{Client, Config};

/// The server schema this build writes and reads.
pub const SCHEMA_VERSION: i32 = 2;

/// The server schema, one migration per version, applied in order by
/// `office init` (the only time coopdesk needs the right to create tables).
const MIGRATIONS: [&str; 2] = [
    r#"
CREATE TABLE coopdesk_offices (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE coopdesk_events (
    seq         bigserial PRIMARY KEY,
    office      text NOT NULL REFERENCES coopdesk_offices (id),
    id          text NOT NULL UNIQUE,
    device      text NOT NULL,
    device_seq  bigint NOT NULL,
    author      text NOT NULL,
    envelope    text NOT NULL,
    signature   text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (office, device, device_seq)
);
CREATE INDEX coopdesk_events_by_office ON coopdesk_events (office, seq);
-- People asking to join, for an administrator to admit by fingerprint.
CREATE TABLE coopdesk_join_requests (
    office       text NOT NULL REFERENCES coopdesk_offices (id),
    key          text NOT NULL,
    name         text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office, key)
);
-- The history is append-only, whoever asks: every laptop would detect a
-- change anyway, and this stops one by mistake.
CREATE FUNCTION coopdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'coopdesk events are append-only: % is refused', TG_OP;
END $$;
CREATE TRIGGER coopdesk_events_no_change BEFORE UPDATE OR DELETE ON coopdesk_events
    FOR EACH ROW EXECUTE FUNCTION coopdesk_append_only();
CREATE TRIGGER coopdesk_events_no_truncate BEFORE TRUNCATE ON coopdesk_events
    FOR EACH STATEMENT EXECUTE FUNCTION coopdesk_append_only();
-- The role the laptops log in with may read and append, nothing more.
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coopdesk_app') THEN
        GRANT SELECT ON coopdesk_schema, coopdesk_offices TO coopdesk_app;
        GRANT SELECT, INSERT ON coopdesk_events, coopdesk_join_requests TO coopdesk_app;
        GRANT USAGE ON SEQUENCE coopdesk_events_seq_seq TO coopdesk_app;
    END IF;
END $$;
"#,
    r#"
-- Attachments of shared requisitions, by the SHA-256 their signed snapshot
-- names; append-only like the events (a laptop checks every file against
-- its hash anyway).
CREATE TABLE coopdesk_files (
    office     text NOT NULL REFERENCES coopdesk_offices (id),
    sha256     text NOT NULL,
    content    bytea NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office, sha256)
);
CREATE TRIGGER coopdesk_files_no_change BEFORE UPDATE OR DELETE ON coopdesk_files
    FOR EACH ROW EXECUTE FUNCTION coopdesk_append_only();
CREATE TRIGGER coopdesk_files_no_truncate BEFORE TRUNCATE ON coopdesk_files
    FOR EACH STATEMENT EXECUTE FUNCTION coopdesk_append_only();
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coopdesk_app') THEN
        GRANT SELECT, INSERT ON coopdesk_files TO coopdesk_app;
    END IF;
END $$;
"#,
];

/// One event row as the server returned it.
#[derive(Clone, Debug)]
pub struct Row {
    pub seq: i64,
    pub event: SignedEvent,
}

/// A connection to the office's server.
pub struct Server {
    client: Client,
}

fn unreachable(e: tokio_postgres::Error) -> Error {
    Error::OfficeUnreachable(describe(&e))
}

/// A failed connection: a refused certificate is said as the downloads say
/// it (untrusted, another name, expired), since the fix is not to retry.
fn connect_failed(e: tokio_postgres::Error, host: &str) -> Error {
    match crate::sync::http::certificate_problem(&e, host) {
        Some(why) => Error::Invalid(format!("The office server was refused: {why}.")),
        None => unreachable(e),
    }
}

/// A server error in words: its own message when it sent one (a refused
/// password, a missing table), else the connection's fault.
fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("the server said: {}", db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = crate::sync::http::extra_root_ders().map_err(Error::Invalid)?;
    let verifier = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
    }
    .map_err(|e| Error::internal(format!("the TLS verifier: {e}")))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(Error::internal)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Checks an office address: a PostgreSQL connection string or URL that
/// holds no password (that comes from `PGPASSWORD`, so it is never stored).
pub fn check_address(url: &str) -> Result<Config> {
    let config: Config = url.parse().map_err(|e| {
        Error::Invalid(format!(
            "'{url}' is not a PostgreSQL address ({e}); write it as postgresql://USER@HOST:PORT/DATABASE?sslmode=require"
        ))
    })?;
    if config.get_password().is_some() {
        return Err(Error::Invalid(
            "Leave the password out of the office address: give it in PGPASSWORD, so it is not stored.".into(),
        ));
    }
    Ok(config)
}

/// The channel a push announces itself on, so that laptops listening see
/// new events at once instead of at their next poll.
const CHANNEL: &str = "coopdesk_events";

impl Server {
    pub async fn connect(url: &str) -> Result<Server> {
        let (client, _) = Self::open(url).await?;
        Ok(Server { client })
    }

    /// Connects and listens for pushes: the receiver gets a message each
    /// time any laptop's push commits, and closes when the connection is
    /// lost.
    pub async fn listen(url: &str) -> Result<(Server, tokio::sync::mpsc::UnboundedReceiver<()>)> {
        let (client, rx) = Self::open(url).await?;
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await.map_err(unreachable)?;
        Ok((Server { client }, rx))
    }

    /// Connects, and drives the connection on its own task until the
    /// client is dropped or the server goes away (the next statement then
    /// reports the fault), passing on each notification.
    async fn open(url: &str) -> Result<(Client, tokio::sync::mpsc::UnboundedReceiver<()>)> {
        let mut config = check_address(url)?;
        if let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
            config.password(password.to_string_lossy().as_bytes());
        }
        config.application_name("coopdesk");
        config.connect_timeout(std::time::Duration::from_secs(10));
        let host = match config.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            _ => "the office server".to_owned(),
        };
        let (client, mut connection) = config.connect(tls()?).await.map_err(|e| connect_failed(e, &host))?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(Ok(message)) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                if matches!(message, tokio_postgres::AsyncMessage::Notification(_)) {
                    // Nobody listening (a plain connection) is fine.
                    let _ = tx.send(());
                }
            }
        });
        Ok((client, rx))
    }

    /// The server schema's version; 0 when coopdesk was never set up there.
    pub async fn schema_version(&self) -> Result<i32> {
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('coopdesk_schema') IS NOT NULL", &[])
            .await
            .map_err(unreachable)?
            .get(0);
        if !exists {
            return Ok(0);
        }
        let row = self.client.query_one("SELECT max(version) FROM coopdesk_schema", &[]).await.map_err(unreachable)?;
        Ok(row.get::<_, Option<i32>>(0).unwrap_or(0))
    }

    /// Refuses a server this build cannot work with.
    pub async fn check_schema(&self) -> Result<()> {
        match self.schema_version().await? {
            SCHEMA_VERSION => Ok(()),
            0 => Err(Error::Invalid(
                "That PostgreSQL database holds no coopdesk office: create one there with office init.".into(),
            )),
            v if v > SCHEMA_VERSION => Err(Error::Invalid(format!(
                "The office server was set up by a newer coopdesk (schema {v}; this one knows up to {SCHEMA_VERSION}). \
                 Install the newer coopdesk."
            ))),
            v => Err(Error::Invalid(format!(
                "The office server's schema ({v}) is older than this coopdesk's ({SCHEMA_VERSION}); the office's \
                 administrator updates it with `coopdesk office upgrade-server` (as the database's owner)."
            ))),
        }
    }

    /// Creates or updates the server schema, in one transaction.
    pub async fn migrate(&mut self) -> Result<()> {
        let tx = self.client.transaction().await.map_err(unreachable)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS coopdesk_schema (version integer NOT NULL)")
            .await
            .map_err(|e| Error::NotAllowed(format!("coopdesk could not set up the office server: {}", describe(&e))))?;
        // One setter-up at a time.
        tx.batch_execute("LOCK TABLE coopdesk_schema IN ACCESS EXCLUSIVE MODE").await.map_err(unreachable)?;
        let found: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM coopdesk_schema", &[])
            .await
            .map_err(unreachable)?
            .get(0);
        if found > SCHEMA_VERSION {
            return Err(Error::Invalid(format!(
                "The office server was set up by a newer coopdesk (schema {found}). Install the newer coopdesk."
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.batch_execute(sql).await.map_err(|e| {
                Error::NotAllowed(format!("coopdesk could not set up the office server: {}", describe(&e)))
            })?;
            tx.execute("INSERT INTO coopdesk_schema (version) VALUES ($1)", &[&(i as i32 + 1)])
                .await
                .map_err(unreachable)?;
        }
        tx.commit().await.map_err(unreachable)
    }

    pub async fn create_office(&self, id: &str, name: &str) -> Result<()> {
        self.client
            .execute("INSERT INTO coopdesk_offices (id, name) VALUES ($1, $2)", &[&id, &name])
            .await
            .map_err(unreachable)?;
        Ok(())
    }

    /// The offices on the server, by id and name (untrusted: a name is only
    /// a label until the office's own events are verified).
    pub async fn offices(&self) -> Result<Vec<(String, String)>> {
        let rows = self
            .client
            .query(
                "SELECT left(id, 100), left(name, 200) FROM coopdesk_offices ORDER BY created_at, id LIMIT 1000",
                &[],
            )
            .await
            .map_err(unreachable)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub async fn request_to_join(&self, office: &str, key: &str, name: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO coopdesk_join_requests (office, key, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&office, &key, &name],
            )
            .await
            .map_err(unreachable)?;
        Ok(())
    }

    /// Join requests as (public key, name), newest first.
    pub async fn join_requests(&self, office: &str) -> Result<Vec<(String, String)>> {
        let rows = self
            .client
            .query(
                "SELECT left(key, 100), left(name, 200) FROM coopdesk_join_requests WHERE office = $1
                 ORDER BY requested_at DESC LIMIT 1000",
                &[&office],
            )
            .await
            .map_err(unreachable)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Appends events in one transaction, in order, under a lock that makes
    /// the server's numbering the order in which pushes commit (so a reader
    /// never sees a later number before an earlier one). An event already
    /// there is left as it is: a push that died halfway is simply repeated.
    /// Returns a clash: another event holding one of these device places.
    pub async fn push(&mut self, office: &str, events: &[SignedEvent]) -> Result<Option<String>> {
        let tx = self.client.transaction().await.map_err(unreachable)?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtext('coopdesk_events'))", &[]).await.map_err(unreachable)?;
        for e in events {
            let seq = e.device_seq as i64;
            tx.execute(
                "INSERT INTO coopdesk_events (office, id, device, device_seq, author, envelope, signature)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[&office, &e.id, &e.device, &seq, &e.author, &e.envelope, &e.signature],
            )
            .await
            .map_err(unreachable)?;
            let held: String = tx
                .query_one(
                    "SELECT id FROM coopdesk_events WHERE office = $1 AND device = $2 AND device_seq = $3",
                    &[&office, &e.device, &seq],
                )
                .await
                .map_err(unreachable)?
                .get(0);
            if held != e.id {
                return Ok(Some(format!(
                    "the server already holds another event as number {} of this device: this database may \
                     have been restored from an older copy after its events were sent",
                    e.device_seq
                )));
            }
        }
        if !events.is_empty() {
            // Delivered to listeners when the transaction commits, not before.
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &office]).await.map_err(unreachable)?;
        }
        tx.commit().await.map_err(unreachable)?;
        Ok(None)
    }

    /// Stores an attachment's bytes under its hash (kept as it was when
    /// another laptop stored them first).
    pub async fn put_file(&self, office: &str, sha256: &str, content: &[u8]) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO coopdesk_files (office, sha256, content) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&office, &sha256, &content],
            )
            .await
            .map_err(unreachable)?;
        Ok(())
    }

    /// An attachment's bytes: None when the server does not hold them (yet),
    /// an error when they are larger than `max`.
    pub async fn get_file(&self, office: &str, sha256: &str, max: i64) -> Result<Option<Vec<u8>>> {
        let row = self
            .client
            .query_opt(
                "SELECT octet_length(content)::bigint, CASE WHEN octet_length(content) <= $3::bigint THEN content END
                 FROM coopdesk_files WHERE office = $1 AND sha256 = $2",
                &[&office, &sha256, &max],
            )
            .await
            .map_err(unreachable)?;
        match row {
            None => Ok(None),
            Some(r) => r.get::<_, Option<Vec<u8>>>(1).map(Some).ok_or_else(|| {
                Error::Invalid(format!("the server's copy is {} bytes, more than any attachment", r.get::<_, i64>(0)))
            }),
        }
    }

    /// Up to `limit` events after `after`, in the server's order, each
    /// bounded in size before it is read whole.
    pub async fn pull(&self, office: &str, after: i64, limit: i64) -> Result<Vec<Row>> {
        let rows = self
            .client
            .query(
                "SELECT seq, left(id, 80), left(device, 80), device_seq, left(author, 100),
                        left(envelope, $3), left(signature, 1000), length(envelope)
                 FROM coopdesk_events WHERE office = $1 AND seq > $2 ORDER BY seq LIMIT $4",
                &[&office, &after, &(MAX_ENVELOPE as i32 + 1), &limit],
            )
            .await
            .map_err(unreachable)?;
        Ok(rows
            .iter()
            .map(|r| Row {
                seq: r.get(0),
                event: SignedEvent {
                    id: r.get(1),
                    device: r.get(2),
                    device_seq: r.get::<_, i64>(3).max(0) as u64,
                    author: r.get(4),
                    envelope: r.get(5),
                    signature: r.get(6),
                },
            })
            .collect())
    }

    /// What the server holds up to `seq`: the id at `seq`, and how many
    /// events it has at or before it.
    pub async fn history_at(&self, office: &str, seq: i64) -> Result<(Option<String>, i64)> {
        let row = self
            .client
            .query_one(
                "SELECT (SELECT id FROM coopdesk_events WHERE office = $1 AND seq = $2),
                        (SELECT count(*) FROM coopdesk_events WHERE office = $1 AND seq <= $2)",
                &[&office, &seq],
            )
            .await
            .map_err(unreachable)?;
        Ok((row.get(0), row.get(1)))
    }
}
