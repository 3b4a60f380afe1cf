//! The rules every laptop holds each shared event to, in the server's
//! order, with no input or output: a pure fold over the history. An event is
//! taken only if it is genuine (see `SignedEvent::open`), belongs to this
//! office, continues its device's chain, and its author was admitted, still
//! active, and held the role its change needs when it was written. Anything
//! else is refused with the reason, and the state is left as it was.

use super::event::{Change, Envelope, Person, Role, SignedEvent};
use super::identity::fingerprint;
use std::collections::{BTreeMap, HashMap};

/// The office as its verified history so far has left it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roster {
    pub office: String,
    pub name: Option<String>,
    /// By public key.
    pub people: BTreeMap<String, Person>,
    /// Each device's last event: its number and id.
    devices: HashMap<String, (u64, String)>,
    /// A hash over every event taken, in order: equal heads, equal histories.
    pub head: String,
    pub events: u64,
}

/// The head after `id`, given the head before it.
pub fn next_head(head: &str, id: &str) -> String {
    crate::digest::sha256_hex(format!("{head}\n{id}").as_bytes())
}

impl Roster {
    pub fn new(office: &str) -> Roster {
        Roster { office: office.to_owned(), ..Default::default() }
    }

    /// The device's next number and the id it must name as its previous.
    pub fn device_next(&self, device: &str) -> (u64, Option<String>) {
        match self.devices.get(device) {
            Some((seq, id)) => (seq + 1, Some(id.clone())),
            None => (1, None),
        }
    }

    pub fn person(&self, key: &str) -> Option<&Person> {
        self.people.get(key)
    }

    /// Rebuilds the state from what a laptop already verified: its people,
    /// each device's last event, its head and count.
    pub fn resume(
        office: &str,
        name: Option<String>,
        people: impl IntoIterator<Item = Person>,
        devices: impl IntoIterator<Item = (String, u64, String)>,
        head: String,
        events: u64,
    ) -> Roster {
        Roster {
            office: office.to_owned(),
            name,
            people: people.into_iter().map(|p| (p.key.clone(), p)).collect(),
            devices: devices.into_iter().map(|(d, seq, id)| (d, (seq, id))).collect(),
            head,
            events,
        }
    }

    /// Checks `event` against everything before it and takes it in, or says
    /// why not. A refusal that is `genuine` (the author's own event, in its
    /// place, that the author was not allowed to make) still takes its place
    /// in the history and its device's chain, unapplied; any other refusal
    /// leaves the state exactly as it was.
    pub fn take(&mut self, event: &SignedEvent) -> Result<Envelope, Refusal> {
        let not_genuine = |reason: String| Refusal { reason, genuine: false };
        let envelope = event.open().map_err(not_genuine)?;
        let short = event.id.get(..12).unwrap_or(&event.id);
        if envelope.office != self.office {
            return Err(not_genuine(format!("event {short} belongs to another office")));
        }
        let (seq, prev) = self.device_next(&envelope.device);
        if envelope.device_seq != seq || envelope.prev != prev {
            return Err(not_genuine(format!(
                "event {short} breaks the chain of device {}: it is number {} where {seq} was due, so an event \
                 of that device is missing, repeated or out of order",
                envelope.device.get(..8).unwrap_or(&envelope.device),
                envelope.device_seq
            )));
        }
        let allowed = self.check(short, &envelope);
        self.devices.insert(envelope.device.clone(), (envelope.device_seq, event.id.clone()));
        self.head = next_head(&self.head, &event.id);
        self.events += 1;
        allowed.map_err(|reason| Refusal { reason, genuine: true })?;
        match &envelope.change {
            Change::OfficeCreated { name, founder } => {
                self.name = Some(name.clone());
                self.people.insert(founder.key.clone(), founder.clone());
            }
            Change::RosterChanged { person } => {
                self.people.insert(person.key.clone(), person.clone());
            }
        }
        Ok(envelope)
    }

    /// Whether the author could make this change when they wrote it.
    fn check(&self, short: &str, e: &Envelope) -> Result<(), String> {
        let author = fingerprint(&e.author);
        if let Change::OfficeCreated { name, founder } = &e.change {
            if self.name.is_some() {
                return Err(format!("event {short} founds the office again"));
            }
            if founder.key != e.author || !founder.has(Role::Administrator) {
                return Err(format!("event {short} founds the office for someone other than its author"));
            }
            if name.trim().is_empty() || name.chars().count() > crate::model::limits::SHORT_TEXT {
                return Err(format!("event {short} gives the office no usable name"));
            }
            return founder.validate().map_err(|why| format!("event {short}: {why}"));
        }
        if self.name.is_none() {
            return Err(format!("event {short} comes before the office was founded"));
        }
        let Some(who) = self.people.get(&e.author) else {
            return Err(format!("event {short} is signed by key {author}, which the office has not admitted"));
        };
        if !who.active {
            return Err(format!("event {short} is signed by {}, who was removed from the office", who.name));
        }
        match &e.change {
            Change::OfficeCreated { .. } => unreachable!("handled above"),
            Change::RosterChanged { person } => {
                if !who.has(Role::Administrator) {
                    return Err(format!("event {short} changes the roster, but {} is not an administrator", who.name));
                }
                person.validate().map_err(|why| format!("event {short}: {why}"))?;
                let admins_after =
                    self.people.values().filter(|p| p.key != person.key && p.has(Role::Administrator)).count()
                        + usize::from(person.has(Role::Administrator));
                if admins_after == 0 {
                    return Err(format!("event {short} would leave the office with no administrator"));
                }
            }
        }
        Ok(())
    }
}

/// Why an event was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    /// The author's genuine event, in its place: it stays in the history,
    /// unapplied. Otherwise the row is not an event of this office at all.
    pub genuine: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::money::Cents;
    use crate::office::identity::Identity;

    fn key() -> Identity {
        Identity::for_tests()
    }

    fn person(id: &Identity, name: &str, roles: &[Role]) -> Person {
        Person {
            key: id.public_key.clone(),
            name: name.into(),
            title: String::new(),
            roles: roles.to_vec(),
            approval_limit: roles.contains(&Role::Approver).then_some(Cents(500_000)),
            departments: vec![],
            active: true,
        }
    }

    /// Signs `change` as `by` from `device`, continuing that device's chain
    /// as `roster` knows it.
    fn event(roster: &Roster, by: &Identity, device: &str, change: Change) -> SignedEvent {
        let (device_seq, prev) = roster.device_next(device);
        let envelope = Envelope {
            office: "office-1".into(),
            author: by.public_key.clone(),
            device: device.into(),
            device_seq,
            prev,
            at: "2026-11-27T12:00:00Z".parse::<Timestamp>().unwrap(),
            change,
        };
        SignedEvent::sign(&envelope, by).unwrap()
    }

    fn founded() -> (Roster, Identity) {
        let admin = key();
        let mut r = Roster::new("office-1");
        let founding = Change::OfficeCreated {
            name: "Harbor County Purchasing".into(),
            founder: person(&admin, "Alex Admin", &[Role::Administrator]),
        };
        r.take(&event(&r, &admin, "dev-a", founding)).unwrap();
        (r, admin)
    }

    #[test]
    fn an_administrator_admits_and_removes_and_the_head_follows_the_history() {
        let (mut r, admin) = founded();
        let clerk = key();
        let head = r.head.clone();
        let admit = Change::RosterChanged { person: person(&clerk, "Casey Clerk", &[Role::Requester]) };
        r.take(&event(&r, &admin, "dev-a", admit)).unwrap();
        assert!(r.person(&clerk.public_key).unwrap().has(Role::Requester));
        assert_ne!(r.head, head);

        // The clerk may not change the roster, even their own entry.
        let promote = Change::RosterChanged { person: person(&clerk, "Casey Clerk", &[Role::Administrator]) };
        let err = r.take(&event(&r, &clerk, "dev-c", promote)).unwrap_err();
        assert!(err.genuine && err.reason.contains("Casey Clerk is not an administrator"), "{err:?}");
        assert!(!r.person(&clerk.public_key).unwrap().has(Role::Administrator), "refused, so not applied");

        let removed = Person { active: false, ..person(&clerk, "Casey Clerk", &[Role::Requester]) };
        r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: removed })).unwrap();
        let again = Change::RosterChanged { person: person(&admin, "Alex Admin", &[Role::Administrator]) };
        let err = r.take(&event(&r, &clerk, "dev-c", again)).unwrap_err();
        assert!(err.reason.contains("Casey Clerk, who was removed"), "{err:?}");
    }

    #[test]
    fn strangers_forgeries_and_broken_chains_are_refused_and_change_nothing() {
        let (mut r, admin) = founded();
        let stranger = key();
        let change = Change::RosterChanged { person: person(&stranger, "Sam Stranger", &[Role::Administrator]) };
        // A stranger's own event is genuine: it keeps its place, unapplied.
        let mut after_stranger = r.clone();
        let err = after_stranger.take(&event(&r, &stranger, "dev-s", change.clone())).unwrap_err();
        assert!(err.genuine && err.reason.contains("which the office has not admitted"), "{err:?}");
        assert!(after_stranger.person(&stranger.public_key).is_none());

        let before = r.clone();
        // Signed by the stranger, claiming to be the administrator's.
        let mut forged = event(&r, &admin, "dev-a", change.clone());
        let by_stranger = event(&r, &stranger, "dev-a", change.clone());
        forged.signature = by_stranger.signature;
        let err = r.take(&forged).unwrap_err();
        assert!(!err.genuine && err.reason.contains("forged signature"), "{err:?}");

        // A byte changed after signing.
        let mut altered = event(&r, &admin, "dev-a", change.clone());
        altered.envelope = altered.envelope.replace("Sam Stranger", "Sam Strangr");
        assert!(r.take(&altered).unwrap_err().reason.contains("was altered"));

        // The device's second event with its first missing.
        let first = event(&r, &admin, "dev-a", change.clone());
        let mut ahead = r.clone();
        ahead.take(&first).unwrap();
        let rename = Change::RosterChanged { person: person(&admin, "Alex A.", &[Role::Administrator]) };
        let second = event(&ahead, &admin, "dev-a", rename);
        assert!(r.take(&second).unwrap_err().reason.contains("breaks the chain of device"));
        assert_eq!(r, before, "nothing that is not genuine changes anything");
    }

    #[test]
    fn the_last_administrator_cannot_be_removed_and_approvers_need_a_limit() {
        let (mut r, admin) = founded();
        let gone = Person { active: false, ..person(&admin, "Alex Admin", &[Role::Administrator]) };
        let err = r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: gone })).unwrap_err();
        assert!(err.reason.contains("no administrator"), "{err:?}");
        let head = key();
        let limitless = Person { approval_limit: None, ..person(&head, "Pat Lee", &[Role::Approver]) };
        let err = r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: limitless })).unwrap_err();
        assert!(err.reason.contains("needs a dollar limit"), "{err:?}");
    }
}
