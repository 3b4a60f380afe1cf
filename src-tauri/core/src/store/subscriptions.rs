//! The feeds an agency follows (its subscriptions): adding, listing and
//! removing them, and recording how each sync went.

use super::Store;
use crate::error::{Error, Result};
use crate::feed::parse_public_key;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Subscription {
    pub id: String,
    pub url: String,
    pub public_keys: Vec<String>,
    pub etag: Option<String>,
    pub manifest_expires_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub key_rotated_at: Option<String>,
    pub added_at: String,
    /// The sequence the catalogue holds for this feed, if it synced.
    pub sequence: Option<u64>,
    pub feed_name: Option<String>,
}

/// A followed feed with its health, as the Feeds panel shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedView {
    #[serde(flatten)]
    pub subscription: Subscription,
    pub health: FeedHealth,
}

/// How trustworthy a feed's data is right now, for the clerk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedHealth {
    /// Never synced yet.
    New,
    /// Synced recently and within the manifest's validity.
    Current,
    /// Not synced for more than a day: prices may have changed.
    Stale,
    /// Past the last manifest's expiry: the publisher may have withdrawn contracts.
    Expired,
}

/// A day without a successful sync makes a feed stale.
pub const STALE_AFTER_HOURS: i64 = 24;

impl Subscription {
    /// The subscription with its health at `now`, as the Feeds panel shows it.
    pub fn view(self, now: DateTime<Utc>) -> FeedView {
        FeedView { health: self.health(now), subscription: self }
    }

    pub fn health(&self, now: DateTime<Utc>) -> FeedHealth {
        if self.is_expired(now) {
            return FeedHealth::Expired;
        }
        let last = self.last_success_at.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        match last {
            None => FeedHealth::New,
            Some(t) if now - t.with_timezone(&Utc) > chrono::Duration::hours(STALE_AFTER_HOURS) => FeedHealth::Stale,
            Some(_) => FeedHealth::Current,
        }
    }

    /// Past the expiry of the last manifest seen: the data may be stale.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.manifest_expires_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .is_some_and(|t| t.with_timezone(&Utc) <= now)
    }
}

/// How a sync attempt ended, to be recorded on the subscription.
pub enum SyncOutcome<'a> {
    Success { etag: Option<&'a str>, expires_at: DateTime<Utc>, rotated_to: Option<&'a str> },
    NotModified,
    Failure { code: &'a str, message: &'a str },
}

fn from_row(r: &Row) -> rusqlite::Result<Subscription> {
    let keys: String = r.get(2)?;
    Ok(Subscription {
        id: r.get(0)?,
        url: r.get(1)?,
        public_keys: serde_json::from_str(&keys).unwrap_or_default(),
        etag: r.get(3)?,
        manifest_expires_at: r.get(4)?,
        last_attempt_at: r.get(5)?,
        last_success_at: r.get(6)?,
        last_error: r.get(7)?,
        last_error_code: r.get(8)?,
        key_rotated_at: r.get(9)?,
        added_at: r.get(10)?,
        sequence: r.get::<_, Option<i64>>(11)?.map(|s| s as u64),
        feed_name: r.get(12)?,
    })
}

fn check_url(url: &str) -> Result<()> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::Invalid(format!(
            "'{url}' is not a web address. Give the full https:// address of the feed's manifest.json."
        ))
    })?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(Error::Invalid(format!("'{url}' is not an http(s) address.")));
    }
    Ok(())
}

const SELECT: &str = "SELECT s.id, s.url, s.public_keys, s.etag, s.manifest_expires_at, s.last_attempt_at,
    s.last_success_at, s.last_error, s.last_error_code, s.key_rotated_at, s.added_at, f.sequence, f.name
    FROM feed_subscriptions s LEFT JOIN feeds f ON f.id = s.id";

impl Store {
    /// Follows a feed published at `url` (its `manifest.json`), trusting
    /// manifests signed by `public_key` (a minisign public key).
    pub fn add_subscription(&mut self, id: &str, url: &str, public_key: &str) -> Result<Subscription> {
        crate::model::check_id("feed id", id).map_err(|i| Error::Invalid(format!("The feed id {}.", i.reason)))?;
        check_url(url)?;
        let (_, key) = parse_public_key(public_key).map_err(|_| {
            Error::Invalid(
                "That is not a minisign public key. Paste the key line (it starts with RW) or give the .pub file."
                    .into(),
            )
        })?;
        let keys = serde_json::to_string(&[key]).expect("strings serialise");
        let inserted = self.conn().execute(
            "INSERT INTO feed_subscriptions (id, url, public_keys, added_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO NOTHING",
            params![id, url, keys, self.clock().now().to_rfc3339()],
        )?;
        if inserted == 0 {
            return Err(Error::Conflict(format!(
                "This catalog already follows a feed called '{id}'. Remove it first to change it."
            )));
        }
        self.subscription(id)
    }

    /// Points a followed feed at another address (a mirror, a new host). The
    /// pinned keys stay: whoever serves the feed, only its publisher signs it.
    pub fn set_subscription_url(&mut self, id: &str, url: &str) -> Result<Subscription> {
        check_url(url)?;
        self.subscription(id)?;
        self.conn().execute("UPDATE feed_subscriptions SET url = ?2, etag = NULL WHERE id = ?1", params![id, url])?;
        self.subscription(id)
    }

    pub fn subscription(&self, id: &str) -> Result<Subscription> {
        self.conn()
            .query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("feed", id))
    }

    pub fn subscriptions(&self) -> Result<Vec<Subscription>> {
        let mut stmt = self.conn().prepare(&format!("{SELECT} ORDER BY s.id"))?;
        let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Stops following a feed and removes the records it delivered, in one
    /// transaction. Requisitions keep their own copies of what they ordered.
    pub fn remove_subscription(&mut self, id: &str) -> Result<()> {
        self.subscription(id)?;
        let tx = self.conn_mut().transaction()?;
        delete_feed_records(&tx, id)?;
        tx.execute("DELETE FROM feed_subscriptions WHERE id = ?1", [id])?;
        if let Some(reason) = super::apply::commit_unless_dangling(tx)? {
            return Err(Error::Invalid(format!(
                "Feed '{id}' cannot be removed: another feed still needs its records ({reason}). \
                 Remove that feed first; nothing was changed."
            )));
        }
        Ok(())
    }

    /// Records how a sync attempt ended.
    pub fn record_sync(&mut self, id: &str, outcome: SyncOutcome) -> Result<()> {
        let now = self.clock().now().to_rfc3339();
        let conn = self.conn();
        match outcome {
            SyncOutcome::Success { etag, expires_at, rotated_to } => {
                conn.execute(
                    "UPDATE feed_subscriptions SET etag = ?2, manifest_expires_at = ?3, last_attempt_at = ?4,
                         last_success_at = ?4, last_error = NULL, last_error_code = NULL WHERE id = ?1",
                    params![id, etag, expires_at.to_rfc3339(), now],
                )?;
                if let Some(key) = rotated_to {
                    // The endorsed key replaces the old one: a retired key must
                    // not be able to sign for the feed again.
                    let keys = serde_json::to_string(&[key]).expect("strings serialise");
                    conn.execute(
                        "UPDATE feed_subscriptions SET public_keys = ?2, key_rotated_at = ?3 WHERE id = ?1",
                        params![id, keys, now],
                    )?;
                }
            }
            SyncOutcome::NotModified => {
                conn.execute(
                    "UPDATE feed_subscriptions SET last_attempt_at = ?2, last_success_at = ?2,
                         last_error = NULL, last_error_code = NULL WHERE id = ?1",
                    params![id, now],
                )?;
            }
            SyncOutcome::Failure { code, message } => {
                conn.execute(
                    "UPDATE feed_subscriptions SET last_attempt_at = ?2, last_error = ?3, last_error_code = ?4
                     WHERE id = ?1",
                    params![id, now, message, code],
                )?;
            }
        }
        Ok(())
    }
}

/// Deletes everything a feed delivered, and the feed's own row; whether it was there.
pub(crate) fn delete_feed_records(tx: &rusqlite::Transaction, feed_id: &str) -> Result<bool> {
    super::apply::clear_feed(tx, feed_id)?;
    Ok(tx.execute("DELETE FROM feeds WHERE id = ?1", [feed_id])? > 0)
}
