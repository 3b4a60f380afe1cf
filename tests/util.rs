use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_coopdesk");

/// A fresh folder for one test's database, removed afterwards.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch { dir: tempfile::tempdir().unwrap() }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("coopdesk.sqlite3")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs `coopdesk --db DB ARGS...` with no display, as a script on a server would.
pub fn coopdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("COOPDESK_DB")
        .output()
        .expect("the coopdesk binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Where tests leave files for people to look at (screenshots).
pub fn output_dir(area: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-output").join(area);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Publishes a signed feed of `items` sample items under `scratch`; returns
/// the feed folder and the publisher's public key file.
pub fn signed_feed(scratch: &Scratch, feed_id: &str, feed_name: &str, items: usize) -> (PathBuf, PathBuf) {
    use coopdesk_feed::{keys, publish, synth};
    let (key, public) = (scratch.path("feed.key"), scratch.path("feed.pub"));
    keys::keygen(&key, &public).unwrap();
    let source = scratch.path("source");
    std::fs::create_dir_all(&source).unwrap();
    let mut spec = synth::Spec::bundled_sample();
    spec.items = items;
    synth::write_snapshot_gz(&spec, std::fs::File::create(source.join("catalogue.ndjson.gz")).unwrap()).unwrap();
    let out = scratch.path("feed");
    publish::build(&publish::BuildOptions {
        source,
        key,
        out: out.clone(),
        previous: None,
        feed_id: Some(feed_id.into()),
        feed_name: Some(feed_name.into()),
        valid_for: chrono::Duration::days(7),
        endorse_with: None,
        now: chrono::Utc::now(),
        import: Default::default(),
    })
    .unwrap();
    (out, public)
}
