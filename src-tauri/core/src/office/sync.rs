//! One exchange with the office's server: this laptop's waiting events go
//! up in one transaction, then everything new comes down in the server's
//! order and is verified event by event before any of it is applied, in
//! one SQLite transaction. Before pulling, the server must still hold the
//! history this laptop already has: the same event at the last place it
//! pulled, and as many events up to there. A server that was changed behind
//! coopdesk, or restored from an older copy, is named and nothing from it is
//! applied.

use super::event::{Change, Decision, Envelope, SignedEvent};
use super::local::{self, Membership};
use super::server::{Row, Server};
use crate::error::{Error, Result};
use crate::store::Store;

/// How many events one pull reads at a time.
const PAGE: i64 = 2_000;

/// SQLite's page cache while a laptop catches up (negative: KiB), 256 MiB.
const CATCH_UP_CACHE_KIB: i64 = -262_144;

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeSyncReport {
    /// This laptop's events the server took.
    pub sent: u64,
    /// Events received and verified (others' and this laptop's own).
    pub received: u64,
    /// Rows or events refused, each with the reason.
    pub refused: Vec<String>,
    /// The history head after the sync: equal on laptops with equal history.
    pub head: String,
}

impl Store {
    /// Sends this laptop's waiting events and takes in everything new from
    /// the office's server.
    pub fn office_sync(&mut self) -> Result<OfficeSyncReport> {
        let m = local::require(self.conn())?;
        super::block_on(async {
            let mut server = Server::connect(&m.url).await?;
            server.check_schema().await?;
            self.exchange(&mut server).await
        })
    }

    /// One exchange. Two may run at once on one database (the window's
    /// background listener and a sync the clerk asked for, or the command
    /// line): each reads where this laptop stands in one snapshot, and
    /// applies only if no other exchange moved it meanwhile; the server
    /// takes an event pushed twice once.
    pub(super) async fn exchange(&mut self, server: &mut Server) -> Result<OfficeSyncReport> {
        let (m, accounted) = {
            let tx = self.conn().unchecked_transaction()?;
            let fresh = local::require(&tx)?;
            let accounted = local::accounted(&tx)?;
            tx.commit()?;
            (fresh, accounted)
        };
        let m = &m;
        self.check_history(server, m, accounted).await?;
        let waiting = local::waiting(self.conn())?;
        self.upload_files(server, &m.office_id, &waiting).await?;
        if let Some(clash) = server.push(&m.office_id, &waiting).await? {
            local::set_problem(self.conn(), Some(&clash))?;
            return Err(Error::Conflict(format!("This laptop's changes were not sent: {clash}.")));
        }
        let mut report = OfficeSyncReport { sent: waiting.len() as u64, ..Default::default() };
        let first = server.pull(&m.office_id, m.pulled_seq, PAGE).await?;
        let now = self.clock().now().into();
        if first.is_empty() {
            // Nothing new: the server answered, and that is all to record.
            local::set_contact(self.conn(), now)?;
            self.apply_office_effects()?;
            report.refused.extend(self.fetch_files(server, &m.office_id).await?);
            report.head = m.head.clone();
            return Ok(report);
        }
        // A catch-up inserts hundreds of thousands of events into indexes
        // keyed by hash: with the index pages in memory that costs what is
        // new, not a disk read per event. Given back when it is done.
        let catching_up = first.len() as i64 == PAGE;
        let cache_before: i64 = self.conn().pragma_query_value(None, "cache_size", |r| r.get(0))?;
        if catching_up {
            self.conn().pragma_update(None, "cache_size", CATCH_UP_CACHE_KIB)?;
        }
        let applied = self.apply_pulled(m, first, now, &mut report);
        if catching_up {
            self.conn().pragma_update(None, "cache_size", cache_before)?;
        }
        applied?;
        self.apply_office_effects()?;
        report.refused.extend(self.fetch_files(server, &m.office_id).await?);
        Ok(report)
    }

    /// Verifies and applies what was pulled (the first page, and the rest
    /// read alongside), all in one transaction.
    fn apply_pulled(
        &mut self,
        m: &Membership,
        first: Vec<Row>,
        now: crate::clock::Timestamp,
        report: &mut OfficeSyncReport,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if local::require(&tx)?.pulled_seq != m.pulled_seq {
            // Another exchange took these in first.
            tx.rollback()?;
            report.head = local::require(self.conn())?.head;
            return Ok(());
        }
        let mut roster = local::roster(&tx, m)?;
        // A full first page means more: the rest is read and its signatures
        // checked on a connection and thread of their own while this one
        // applies, so that a catch-up keeps every core busy.
        let rest = match first.last() {
            Some(last) if first.len() as i64 == PAGE => Some(pull_rest(&m.url, &m.office_id, last.seq)),
            _ => None,
        };
        let pages = std::iter::once(Ok(opened(first))).chain(rest.into_iter().flatten());
        let rows = pages.flat_map(|page| match page {
            Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        });
        let mut last: Option<(i64, String)> = None;
        for item in rows {
            let (row, opened) = item?;
            last = Some((row.seq, row.event.id.clone()));
            if let Some(key) = opened.as_ref().ok().and_then(super::roster::requisition_key) {
                local::load_requisition(&tx, &mut roster, &key)?;
            }
            match roster.take_opened(&row.event, opened) {
                Ok(envelope) => {
                    local::record_received(&tx, row.seq, &row.event, None)?;
                    let author = roster.person(&envelope.author).cloned();
                    let by = author.as_ref().map(|p| p.name.clone()).unwrap_or_default();
                    match &envelope.change {
                        Change::OfficeCreated { founder, .. } => {
                            local::save_person(&tx, founder, envelope.at, &founder.name)?;
                        }
                        Change::RosterChanged { person } => {
                            local::save_person(&tx, person, envelope.at, &by)?;
                        }
                        Change::RulesChanged { finance_approval_from } => {
                            local::save_rules(&tx, *finance_approval_from)?;
                        }
                        Change::IncidentShared { key, incident } => {
                            // The laptop that declared it holds it already.
                            if envelope.device != m.device {
                                let detail = serde_json::json!({
                                    "signed_in_coopdesk": super::identity::fingerprint(&envelope.author),
                                    "title": author.as_ref().map(|p| p.title.clone()).unwrap_or_default(),
                                    "event": row.event.id,
                                    "office_key": key,
                                });
                                let actor = if by.trim().is_empty() { "office" } else { by.as_str() };
                                super::incidents::take_in(&tx, key, incident, envelope.at.0, actor, detail)?;
                            }
                        }
                        Change::RequisitionSubmitted { requisition, .. } => {
                            super::files::want(&tx, requisition)?;
                            let key = (envelope.device.clone(), requisition.number.clone());
                            let state = &roster.requisitions[&key];
                            // A share with a conflict open is refused, so a
                            // conflict now is this share's.
                            if state.conflict.is_none() {
                                local::save_shared(&tx, state, Some(&row.event.id), envelope.at, &by, None)?;
                            } else {
                                let version = state.conflict.as_ref().map(|c| c.0.clone()).unwrap_or_default();
                                local::save_conflict(&tx, state, requisition)?;
                                if envelope.device == m.device {
                                    let effect =
                                        signed_effect(&author, &envelope.author, &row.event.id, &version, envelope.at);
                                    let effect = with(effect, "conflict", serde_json::json!(state.version));
                                    local::enqueue_effect(&tx, &row.event.id, &requisition.number, &effect)?;
                                }
                            }
                        }
                        Change::RequisitionEdited { origin, number, base, resolves, requisition } => {
                            super::files::want(&tx, requisition)?;
                            let state = &roster.requisitions[&(origin.clone(), number.clone())];
                            // An edit with a conflict open is refused unless it
                            // resolves it, so a conflict now is this edit's.
                            let taken = state.conflict.is_none();
                            let version = match &state.conflict {
                                None => state.version.clone(),
                                Some((theirs, _)) => theirs.clone(),
                            };
                            if taken {
                                local::save_shared(&tx, state, Some(&row.event.id), envelope.at, &by, None)?;
                            } else {
                                local::save_conflict(&tx, state, requisition)?;
                            }
                            if *origin == m.device {
                                let effect =
                                    signed_effect(&author, &envelope.author, &row.event.id, &version, envelope.at);
                                let effect = if taken {
                                    let effect = with(effect, "edited", serde_json::json!(requisition));
                                    let effect = with(effect, "base", serde_json::json!(base));
                                    with(effect, "resolves", serde_json::json!(resolves))
                                } else {
                                    with(effect, "conflict", serde_json::json!(state.version))
                                };
                                local::enqueue_effect(&tx, &row.event.id, number, &effect)?;
                            }
                        }
                        Change::RequisitionDecided { origin, number, version, decision } => {
                            let key = (origin.clone(), number.clone());
                            let note = match decision {
                                Decision::Returned { note } => Some(note.as_str()),
                                Decision::Canceled { reason } => Some(reason.as_str()),
                                _ => None,
                            };
                            local::save_shared(&tx, &roster.requisitions[&key], None, envelope.at, &by, note)?;
                            // A decision on one of this laptop's own requisitions
                            // is written to the requisition itself.
                            if *origin == m.device {
                                let effect =
                                    signed_effect(&author, &envelope.author, &row.event.id, version, envelope.at);
                                let effect = with(effect, "decision", serde_json::json!(decision));
                                local::enqueue_effect(&tx, &row.event.id, number, &effect)?;
                            }
                        }
                    }
                    report.received += 1;
                }
                Err(refusal) if refusal.genuine => {
                    local::record_received(&tx, row.seq, &row.event, Some(&refusal.reason))?;
                    report.refused.push(refusal.reason);
                }
                Err(refusal) => {
                    local::record_reject(&tx, row.seq, &row.event.id, &refusal.reason, now)?;
                    report.refused.push(refusal.reason);
                }
            }
        }
        let (last_seq, last_id) = match &last {
            Some((seq, id)) => (*seq, Some(id.as_str())),
            None => (m.pulled_seq, m.pulled_id.as_deref()),
        };
        local::set_progress(&tx, last_seq, last_id, &roster.head, now)?;
        tx.commit()?;
        report.head = roster.head;
        Ok(())
    }

    /// Refuses a server that no longer holds what this laptop received from
    /// it: rows changed, deleted or slipped in among them, or the whole
    /// server restored from an older copy.
    async fn check_history(&mut self, server: &Server, m: &Membership, ours: i64) -> Result<()> {
        if m.pulled_seq == 0 {
            return Ok(());
        }
        let (id, count) = server.history_at(&m.office_id, m.pulled_seq).await?;
        let mut problems = Vec::new();
        match id {
            None => problems.push(format!(
                "event number {} that this laptop received is gone from the server, which was restored from an \
                 older copy or had events deleted",
                m.pulled_seq
            )),
            Some(id) if Some(&id) != m.pulled_id.as_ref() => problems.push(format!(
                "event number {} on the server is not the one this laptop received: it was changed",
                m.pulled_seq
            )),
            Some(_) if count != ours => problems.push(format!(
                "the server holds {count} events up to number {} where this laptop received {ours}: events were \
                 deleted or slipped in among them",
                m.pulled_seq
            )),
            Some(_) => {}
        }
        if problems.is_empty() {
            return Ok(());
        }
        local::set_problem(self.conn(), Some(&problems.join("; ")))?;
        Err(Error::OfficeTampered { problems })
    }
}

/// What the requester's laptop needs to write an office event into its own
/// requisition: who signed (name, title, fingerprint), which event, which
/// version, when.
fn signed_effect(
    author: &Option<super::Person>,
    key: &str,
    event: &str,
    version: &str,
    at: crate::clock::Timestamp,
) -> serde_json::Value {
    serde_json::json!({
        "by": author.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        "title": author.as_ref().map(|p| p.title.clone()).unwrap_or_default(),
        "fingerprint": super::identity::fingerprint(key),
        "event": event,
        "version": version,
        "at": at,
    })
}

fn with(mut effect: serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    effect[key] = value;
    effect
}

/// A page's rows, each with its envelope once its signature is checked (or
/// what is wrong with it), checked on every core.
type Opened = Vec<(Row, std::result::Result<Envelope, String>)>;

fn opened(page: Vec<Row>) -> Opened {
    let envelopes = SignedEvent::open_all(&page.iter().map(|r| &r.event).collect::<Vec<_>>());
    page.into_iter().zip(envelopes).collect()
}

/// The pages after `after`, read in order and their signatures checked on
/// a connection and thread of their own, a few pages ahead of the reader.
fn pull_rest(url: &str, office: &str, mut after: i64) -> std::sync::mpsc::IntoIter<Result<Opened>> {
    let (send, pages) = std::sync::mpsc::sync_channel(4);
    let (url, office) = (url.to_owned(), office.to_owned());
    std::thread::spawn(move || {
        let read = async {
            let server = Server::connect(&url).await?;
            loop {
                let page = server.pull(&office, after, PAGE).await?;
                let done = (page.len() as i64) < PAGE;
                if let Some(last) = page.last() {
                    after = last.seq;
                }
                if (!page.is_empty() && send.send(Ok(opened(page))).is_err()) || done {
                    return Ok(());
                }
            }
        };
        if let Err(e) = super::block_on(read) {
            let _ = send.send(Err(e));
        }
    });
    pages.into_iter()
}
