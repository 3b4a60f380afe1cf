//! `coopdesk office …`: creating, joining and running an office whose
//! shared history lives on a PostgreSQL server. The passphrase of the
//! person's key comes from `COOPDESK_KEY_PASSPHRASE`; the server's password
//! from `PGPASSWORD`.

use crate::{print_json, stdout_error};
use clap::Subcommand;
use coopdesk_core::office::{
    passphrase_from_env, Admission, Decision, KeyProtection, OfficeStatus, Role, RosterEntry, SharedEdit,
};
use coopdesk_core::{Cents, Store};
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum OfficeAction {
    /// Create an office on a PostgreSQL server (setting up its tables) with
    /// you as its first administrator.
    Init {
        /// postgresql://USER@HOST:PORT/DATABASE?sslmode=require (no password).
        #[arg(long)]
        url: String,
        /// The office's name, e.g. "Harbor County Purchasing".
        #[arg(long)]
        office: String,
        /// Your name as the office knows you.
        #[arg(long)]
        name: String,
        /// Keep your key in this computer's keyring instead of protecting
        /// it with a passphrase.
        #[arg(long)]
        keyring: bool,
    },
    /// Join an office: makes your key and asks to be admitted. Give the
    /// fingerprint it prints to an administrator.
    Join {
        #[arg(long)]
        url: String,
        /// Your name as the office should know you.
        #[arg(long)]
        name: String,
        /// Which office, when the server holds several.
        #[arg(long)]
        office: Option<String>,
        /// Keep your key in this computer's keyring instead of protecting
        /// it with a passphrase.
        #[arg(long)]
        keyring: bool,
    },
    /// Admit a person (or change their roles and limit), by the fingerprint
    /// they read out to you. Administrators only.
    Admit {
        fingerprint: String,
        /// requester, approver, purchasing, finance or administrator; repeat for several.
        #[arg(long = "role", required = true, value_parser = role)]
        roles: Vec<Role>,
        /// The most an approver may approve, in dollars.
        #[arg(long, value_parser = crate::values::money)]
        limit: Option<Cents>,
        /// A department the approver approves for; repeat for several (none: all).
        #[arg(long = "department")]
        departments: Vec<String>,
        #[arg(long)]
        title: Option<String>,
        /// The name to give them (default: the one they joined under).
        #[arg(long)]
        name: Option<String>,
    },
    /// Remove a person from the office. Administrators only.
    Remove { fingerprint: String },
    /// Who is who in the office.
    People {},
    /// Send this laptop's changes and take in everyone else's.
    Sync {},
    /// Changes waiting to be sent, the last contact, the verified head.
    Status {},
    /// Check the whole history on the server again; exits non-zero on
    /// anything wrong, saying what.
    Verify {},
    /// Share a submitted requisition with the office for approval.
    Share { number: String },
    /// Requisitions shared in the office: those waiting for your approval,
    /// or with --all the latest 200.
    Inbox {
        #[arg(long)]
        all: bool,
    },
    /// Approve a shared requisition as yourself (signed).
    Approve {
        number: String,
        /// Whose, when several share the number.
        #[arg(long)]
        from: Option<String>,
    },
    /// Send a shared requisition back to its requester with a note.
    Return {
        number: String,
        #[arg(long)]
        note: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Record that the governing board approved a shared requisition above
    /// what any approver may approve (purchasing or an administrator).
    BoardApprove {
        number: String,
        #[command(flatten)]
        board: crate::values::BoardMeeting,
        #[arg(long)]
        from: Option<String>,
    },
    /// Record the purchase order for an approved shared requisition
    /// (purchasing); PO numbers are unique in the office.
    Order {
        number: String,
        #[arg(long)]
        po: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Give finance's second approval of an approved shared requisition
    /// (finance; not its requester or approver).
    FinanceApprove {
        number: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Record goods received on an ordered shared requisition (its
    /// requester or purchasing): every line in full, or --line LINE:QTY.
    Receive {
        number: String,
        #[arg(long = "line", value_parser = crate::values::receipt)]
        lines: Vec<(u32, u32)>,
        #[arg(long)]
        from: Option<String>,
    },
    /// Cancel a shared requisition, with the reason (its requester,
    /// purchasing or an administrator).
    Cancel {
        number: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Set the office's rules (administrators): from what total finance
    /// gives a second approval before an order.
    Rules {
        /// Requisitions of this many dollars or more need finance's approval.
        #[arg(long, value_parser = crate::values::money, conflicts_with = "no_finance")]
        finance_from: Option<Cents>,
        /// Finance gives no second approval.
        #[arg(long)]
        no_finance: bool,
    },
    /// Change a shared requisition as yourself (signed): line quantities,
    /// account codes, its purpose or notes. Made while apart from another
    /// change, it becomes a conflict for its requester or purchasing to
    /// resolve.
    Edit {
        number: String,
        /// LINE:QTY; repeat for several lines.
        #[arg(long = "quantity", value_parser = crate::values::receipt)]
        quantities: Vec<(u32, u32)>,
        /// LINE:ACCOUNT; repeat for several lines.
        #[arg(long = "account", value_parser = line_account)]
        accounts: Vec<(u32, String)>,
        #[arg(long)]
        purpose: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        from: Option<String>,
    },
    /// Resolve two versions of a shared requisition in conflict by keeping
    /// one (its requester or purchasing).
    Resolve {
        number: String,
        /// Keep the version the office took first ("current") or the other ("other").
        #[arg(long, value_parser = ["current", "other"])]
        keep: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Share an incident declared on this laptop (again after each change:
    /// waiver extended, FEMA number, project, closed) so that everyone in
    /// the office can buy under it (purchasing or an administrator).
    ShareIncident { id: i64 },
    /// Save an attachment of a shared requisition, checked against the
    /// SHA-256 its requester signed.
    Attachment {
        number: String,
        /// The attachment's file name (or its SHA-256).
        file: String,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long)]
        from: Option<String>,
    },
    /// Bring the office server's tables up to this coopdesk's (as the
    /// database's owner, with its password in PGPASSWORD).
    UpgradeServer {
        /// The owner's address; without it, this laptop's office.
        #[arg(long)]
        url: Option<String>,
    },
    /// Write the changes waiting to be sent to a file, for another laptop
    /// that can reach the server (a USB stick when the network is down).
    ExportEvents { file: std::path::PathBuf },
    /// Take in another laptop's waiting changes from a file, each checked,
    /// to send on with this laptop's own.
    ImportEvents { file: std::path::PathBuf },
}

/// How a new key is protected: in the keyring when asked, else with the
/// passphrase from the environment.
fn protection(keyring: bool) -> coopdesk_core::Result<KeyProtection> {
    Ok(if keyring { KeyProtection::Keyring } else { KeyProtection::Passphrase(passphrase_from_env()?) })
}

/// The passphrase to sign with: none when the key is in the keyring.
fn signing_passphrase(store: &Store) -> coopdesk_core::Result<String> {
    if store.office_key_in_keyring() {
        return Ok(String::new());
    }
    passphrase_from_env()
}

fn line_account(text: &str) -> Result<(u32, String), String> {
    text.split_once(':')
        .and_then(|(l, a)| Some((l.trim().parse().ok()?, a.trim().to_owned())))
        .filter(|(_, a)| !a.is_empty())
        .ok_or_else(|| format!("'{text}' is not LINE:ACCOUNT, such as 1:100-210-01-5230"))
}

fn role(text: &str) -> Result<Role, String> {
    text.parse()
}

pub fn run(store: &mut Store, action: &OfficeAction, json: bool, out: &mut dyn Write) -> coopdesk_core::Result<()> {
    match action {
        OfficeAction::Init { url, office, name, keyring } => {
            let status = store.office_init(url, office, name, &protection(*keyring)?)?;
            if json {
                return print_json(out, &status);
            }
            writeln!(out, "Created the office '{}' with you as its administrator.", status.name)
                .map_err(stdout_error)?;
            status_text(&status, out)
        }
        OfficeAction::Join { url, name, office, keyring } => {
            let status = store.office_join(url, office.as_deref(), name, &protection(*keyring)?)?;
            if json {
                return print_json(out, &status);
            }
            writeln!(
                out,
                "Asked to join '{}'. Read your key's fingerprint to an administrator, who admits it:\n  {}\n\
                 Compare the office founder's fingerprint with theirs: {}",
                status.name,
                status.fingerprint,
                status.founder.as_deref().unwrap_or("(not received yet)")
            )
            .map_err(stdout_error)
        }
        OfficeAction::Admit { fingerprint, roles, limit, departments, title, name } => {
            let admission = Admission {
                name: name.clone(),
                title: title.clone(),
                roles: roles.clone(),
                approval_limit: *limit,
                departments: departments.clone(),
            };
            let status = store.office_admit(fingerprint, &admission, &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, "The roster change", out)
        }
        OfficeAction::Remove { fingerprint } => {
            let status = store.office_remove(fingerprint, &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, "The removal", out)
        }
        OfficeAction::People {} => {
            let people = store.office_people()?;
            if json {
                return print_json(out, &people);
            }
            people_text(&people, out)
        }
        OfficeAction::Sync {} => {
            let report = store.office_sync()?;
            if json {
                return print_json(out, &report);
            }
            writeln!(
                out,
                "Sent {} changes, received {}. History head {}.",
                report.sent,
                report.received,
                short(&report.head)
            )
            .map_err(stdout_error)?;
            for why in &report.refused {
                writeln!(out, "  Refused: {why}").map_err(stdout_error)?;
            }
            Ok(())
        }
        OfficeAction::Status {} => {
            let status = store.office_status()?;
            if json {
                return print_json(out, &status);
            }
            status_text(&status, out)
        }
        OfficeAction::Share { number } => {
            let status = store.office_share(number, &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, &format!("Requisition {number}, shared for approval,"), out)
        }
        OfficeAction::Inbox { all } => {
            let inbox = store.office_inbox()?;
            if json {
                return print_json(out, &inbox);
            }
            let list = if *all { &inbox.shared } else { &inbox.waiting_for_me };
            if list.is_empty() {
                let none =
                    if *all { "Nothing is shared in the office yet." } else { "Nothing waits for your approval." };
                return writeln!(out, "{none}").map_err(stdout_error);
            }
            let mut text = String::new();
            for s in list {
                let approved = if s.approved_by.is_empty() {
                    String::new()
                } else {
                    format!(", approved by {}", s.approved_by.join(" and "))
                };
                let po = s.po_number.as_deref().map(|p| format!(", PO {p}")).unwrap_or_default();
                text += &format!(
                    "{} from {} ({}): {}, {}{approved}{po}\n  version {}, {} lines, purpose: {}\n",
                    s.number,
                    s.requester,
                    s.department,
                    s.total,
                    s.status.as_str(),
                    &s.version[..16.min(s.version.len())],
                    s.requisition.lines.len(),
                    s.requisition.header.purpose
                );
                if let Some(note) = &s.note {
                    text += &format!("  returned: {note}\n");
                }
                if let Some(c) = &s.conflict {
                    text += &format!(
                        "  IN CONFLICT: another version by {} ({}, version {}) waits beside this one; its requester \
                         or purchasing keeps one with office resolve\n",
                        c.author,
                        c.requisition.total(),
                        &c.version[..16.min(c.version.len())]
                    );
                }
            }
            out.write_all(text.as_bytes()).map_err(stdout_error)
        }
        OfficeAction::Approve { number, from } => {
            decide(store, number, from, Decision::Approved, "approval", json, out)
        }
        OfficeAction::Return { number, note, from } => {
            decide(store, number, from, Decision::Returned { note: note.clone() }, "return", json, out)
        }
        OfficeAction::BoardApprove { number, board, from } => decide(
            store,
            number,
            from,
            Decision::BoardApproved { meeting: board.meeting, agenda_item: board.item.clone() },
            "record of the board's approval",
            json,
            out,
        ),
        OfficeAction::Order { number, po, from } => {
            decide(store, number, from, Decision::Ordered { po_number: po.clone() }, "purchase order", json, out)
        }
        OfficeAction::FinanceApprove { number, from } => {
            decide(store, number, from, Decision::FinanceApproved, "finance approval", json, out)
        }
        OfficeAction::Receive { number, lines, from } => decide(
            store,
            number,
            from,
            Decision::Received { receipts: lines.clone() },
            "record of goods received",
            json,
            out,
        ),
        OfficeAction::Cancel { number, reason, from } => {
            decide(store, number, from, Decision::Canceled { reason: reason.clone() }, "cancellation", json, out)
        }
        OfficeAction::Rules { finance_from, no_finance } => {
            if finance_from.is_none() && !no_finance {
                return Err(coopdesk_core::Error::Invalid(
                    "Say --finance-from DOLLARS (finance approves requisitions of that much or more) or --no-finance."
                        .into(),
                ));
            }
            let status = store.office_set_finance_rule(*finance_from, &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, "The office's rule", out)
        }
        OfficeAction::Edit { number, quantities, accounts, purpose, notes, from } => {
            let edit = SharedEdit {
                quantities: quantities.clone(),
                accounts: accounts.clone(),
                purpose: purpose.clone(),
                notes: notes.clone(),
            };
            let status = store.office_edit(number, from.as_deref(), &edit, &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, &format!("Your change to {number}"), out)
        }
        OfficeAction::Resolve { number, keep, from } => {
            let status = store.office_resolve(number, from.as_deref(), keep == "other", &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, &format!("The resolution of {number}"), out)
        }
        OfficeAction::ShareIncident { id } => {
            let status = store.office_share_incident(*id, &signing_passphrase(store)?)?;
            if json {
                return print_json(out, &status);
            }
            sent_or_waiting(&status, &format!("Incident {id}, shared with the office,"), out)
        }
        OfficeAction::Attachment { number, file, out: path, from } => {
            let (attachment, bytes) = store.office_attachment(number, from.as_deref(), file)?;
            coopdesk_core::paths::write_atomically(path, &bytes)?;
            if json {
                return print_json(out, &attachment);
            }
            writeln!(
                out,
                "Saved '{}' ({} bytes, SHA-256 checked) to {}.",
                attachment.file_name,
                bytes.len(),
                path.display()
            )
            .map_err(stdout_error)
        }
        OfficeAction::UpgradeServer { url } => {
            let version = store.office_upgrade_server(url.as_deref())?;
            if json {
                return print_json(out, &serde_json::json!({ "schema": version }));
            }
            writeln!(out, "The office server's tables are at version {version}.").map_err(stdout_error)
        }
        OfficeAction::ExportEvents { file } => {
            let n = store.office_export_events(file)?;
            if json {
                return print_json(out, &serde_json::json!({ "events": n, "file": file }));
            }
            writeln!(
                out,
                "Wrote {n} waiting changes to {}. Import them on a laptop that can reach the office server.",
                file.display()
            )
            .map_err(stdout_error)
        }
        OfficeAction::ImportEvents { file } => {
            let report = store.office_import_events(file)?;
            if json {
                return print_json(out, &report);
            }
            writeln!(
                out,
                "Took {} changes to send on ({} already here); they go at the next office sync.",
                report.added, report.known
            )
            .map_err(stdout_error)?;
            for why in &report.refused {
                writeln!(out, "  Refused: {why}").map_err(stdout_error)?;
            }
            if report.refused.is_empty() {
                Ok(())
            } else {
                Err(coopdesk_core::Error::Invalid(format!(
                    "{} of the file's changes were refused (above); the rest were taken.",
                    report.refused.len()
                )))
            }
        }
        OfficeAction::Verify {} => {
            let report = store.office_verify()?;
            if json {
                print_json(out, &report)?;
            } else {
                writeln!(
                    out,
                    "Checked {} events on the office server; history head {}.",
                    report.events,
                    short(&report.head)
                )
                .map_err(stdout_error)?;
                for p in &report.problems {
                    writeln!(out, "  Problem: {p}").map_err(stdout_error)?;
                }
            }
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(coopdesk_core::Error::OfficeTampered { problems: report.problems })
            }
        }
    }
}

fn decide(
    store: &mut Store,
    number: &str,
    from: &Option<String>,
    decision: Decision,
    what: &str,
    json: bool,
    out: &mut dyn Write,
) -> coopdesk_core::Result<()> {
    let status = store.office_decide(number, from.as_deref(), decision, &signing_passphrase(store)?)?;
    if json {
        return print_json(out, &status);
    }
    sent_or_waiting(&status, &format!("Your signed {what} of {number}"), out)
}

fn short(head: &str) -> &str {
    head.get(..16).unwrap_or(head)
}

fn sent_or_waiting(status: &OfficeStatus, what: &str, out: &mut dyn Write) -> coopdesk_core::Result<()> {
    let text = if status.waiting == 0 {
        format!("{what} reached the office server.")
    } else {
        format!(
            "{what} is signed and waits: {} changes will be sent when the office server can be reached.",
            status.waiting
        )
    };
    writeln!(out, "{text}").map_err(stdout_error)
}

fn status_text(s: &OfficeStatus, out: &mut dyn Write) -> coopdesk_core::Result<()> {
    let me = match &s.me {
        Some(e) if e.person.active => format!("{} ({})", e.person.name, roles(&e.person.roles)),
        Some(e) => format!("{} (removed)", e.person.name),
        None => "not admitted yet".into(),
    };
    let contact = s.last_contact.map(|t| t.to_string()).unwrap_or_else(|| "never".into());
    let mut text = format!(
        "Office: {}\nServer: {}\nYou: {me}, key {}\nChanges waiting to send: {}\nLast contact: {contact}\n\
         Verified events: {}, history head {}\n",
        s.name,
        s.url,
        s.fingerprint,
        s.waiting,
        s.events,
        short(&s.head)
    );
    if let Some(p) = &s.problem {
        text += &format!("Problem: {p}\n");
    }
    for r in &s.refused {
        text += &format!("Refused {r}\n");
    }
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

fn roles(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
}

fn people_text(people: &[RosterEntry], out: &mut dyn Write) -> coopdesk_core::Result<()> {
    let mut text = String::new();
    for e in people {
        let p = &e.person;
        let limit = p.approval_limit.map(|c| format!(", up to {c}")).unwrap_or_default();
        let departments =
            if p.departments.is_empty() { String::new() } else { format!(", for {}", p.departments.join(", ")) };
        let state = if p.active { "" } else { " [removed]" };
        let title = if p.title.is_empty() { String::new() } else { format!(", {}", p.title) };
        text += &format!(
            "{}{title}: {}{limit}{departments}{state}\n  key {}, changed {} by {}\n",
            p.name,
            roles(&p.roles),
            e.fingerprint,
            e.changed_at,
            e.changed_by
        );
    }
    if text.is_empty() {
        text = "No one is on the roster yet: sync to take in the office's history.\n".into();
    }
    out.write_all(text.as_bytes()).map_err(stdout_error)
}
