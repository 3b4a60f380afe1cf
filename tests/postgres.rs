//! A real PostgreSQL server for the office tests: Debian's `postgresql`
//! binaries (installed by `scripts/setup --test`), a cluster made in a
//! temporary folder, listening on 127.0.0.1 and a free port, with SCRAM
//! passwords. As root (CI), the server runs as the `postgres` user, since
//! PostgreSQL refuses to run as root. Stopped when dropped.
//!
//! Roles as `docs/office.md` sets them up: `coopdesk_owner` owns the
//! database and sets up the office; `coopdesk_app` is what laptops log in
//! as, and may only read and append.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SUPERUSER_PASSWORD: &str = "pg-super-secret";
pub const OWNER_PASSWORD: &str = "owner-secret-1";
pub const APP_PASSWORD: &str = "app-secret-22";

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_root: bool,
}

fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/setup --test installs Debian's postgresql)")
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok())
    });
    versions.pop().expect("a PostgreSQL server in /usr/lib/postgresql/*/bin")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Postgres {
    pub fn start() -> Postgres {
        let as_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
        let pg = Postgres { dir: tempfile::tempdir().unwrap(), bin: bin_dir(), port: free_port(), as_root };
        if as_root {
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(pg.dir.path()).status().unwrap();
            assert!(ok.success());
        }
        std::fs::write(pg.path("pwfile"), SUPERUSER_PASSWORD).unwrap();
        if as_root {
            Command::new("chown").args(["postgres:postgres"]).arg(pg.path("pwfile")).status().unwrap();
        }
        let data = pg.path("data");
        pg.run_ok(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                &format!("--pwfile={}", pg.path("pwfile").display()),
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        );
        pg.start_server();
        pg.superuser_sql(
            "postgres",
            &format!(
                "CREATE ROLE coopdesk_owner LOGIN PASSWORD '{OWNER_PASSWORD}';
                 CREATE ROLE coopdesk_app LOGIN PASSWORD '{APP_PASSWORD}';"
            ),
        );
        // Not in a transaction, so a statement of its own.
        pg.superuser_sql("postgres", "CREATE DATABASE office OWNER coopdesk_owner");
        pg
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A PostgreSQL program, run as the `postgres` user when we are root.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args).current_dir(self.dir.path()).env_remove("PGPASSWORD");
        cmd
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let runner = if self.as_root { "runuser" } else { program };
        self.command(program, args)
            .output()
            .unwrap_or_else(|e| panic!("{runner} could not be started for {program}: {e}"))
    }

    fn run_ok(&self, program: &str, args: &[&str]) -> Output {
        let out = self.run(program, args);
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn start_server(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let data = self.path("data");
        let log = self.path("server.log");
        self.run_ok(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-o", &options, "-l", log.to_str().unwrap(), "-w", "start"],
        );
    }

    /// Stops the server at once, as a power cut or a crash would.
    pub fn stop_server(&self) {
        let data = self.path("data");
        self.run_ok("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }

    /// Runs SQL as the superuser over the local socket, as an administrator
    /// with `psql` would; returns the rows as text, one per line.
    pub fn superuser_sql(&self, database: &str, sql: &str) -> String {
        let socket = self.dir.path().to_str().unwrap().to_owned();
        let port = self.port.to_string();
        let out = self.run_ok(
            "psql",
            &["-h", &socket, "-p", &port, "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// SQL as a login role over TCP with its password, as a laptop would
    /// connect; the whole output, failure included.
    pub fn role_sql(&self, role: &str, password: &str, sql: &str) -> Output {
        let mut cmd = Command::new(self.bin.join("psql"));
        cmd.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", role, "-d", "office", "-At", "-c", sql])
            .env("PGPASSWORD", password);
        cmd.output().unwrap()
    }

    /// A dump of the office database, to restore later.
    pub fn dump(&self, file: &Path) {
        let socket = self.dir.path().to_str().unwrap().to_owned();
        let port = self.port.to_string();
        let out = self.run_ok("pg_dump", &["-h", &socket, "-p", &port, "-U", "postgres", "-Fc", "office"]);
        std::fs::write(file, out.stdout).unwrap();
    }

    /// Replaces the office database with a dump, as a restore by IT would.
    pub fn restore(&self, file: &Path) {
        self.superuser_sql("postgres", "DROP DATABASE office WITH (FORCE)");
        self.superuser_sql("postgres", "CREATE DATABASE office OWNER coopdesk_owner");
        let socket = self.dir.path().to_str().unwrap().to_owned();
        let port = self.port.to_string();
        let copy = self.path("restore.dump");
        std::fs::copy(file, &copy).unwrap();
        if self.as_root {
            Command::new("chown").args(["postgres:postgres"]).arg(&copy).status().unwrap();
        }
        self.run_ok(
            "pg_restore",
            &["-h", &socket, "-p", &port, "-U", "postgres", "-d", "office", "--exit-on-error", copy.to_str().unwrap()],
        );
    }

    /// Turns TLS on with this certificate chain and key (PEM), and accepts
    /// connections over TCP only through TLS from then on.
    pub fn require_tls(&self, chain_pem: &str, key_pem: &str) {
        let data = self.path("data");
        std::fs::write(data.join("server.crt"), chain_pem).unwrap();
        std::fs::write(data.join("server.key"), key_pem).unwrap();
        if self.as_root {
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(data.join("server.crt"))
                .arg(data.join("server.key"))
                .status()
                .unwrap();
        }
        Command::new("chmod").arg("600").arg(data.join("server.key")).status().unwrap();
        let hba = std::fs::read_to_string(data.join("pg_hba.conf")).unwrap();
        let hba: String = hba
            .lines()
            .map(|l| if l.starts_with("host ") { format!("hostssl{}\n", &l[4..]) } else { format!("{l}\n") })
            .collect();
        std::fs::write(data.join("pg_hba.conf"), hba).unwrap();
        self.superuser_sql("postgres", "ALTER SYSTEM SET ssl = on");
        self.superuser_sql("postgres", "SELECT pg_reload_conf()");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }

    /// The address a laptop logs in with (its password from PGPASSWORD).
    pub fn url(&self, role: &str) -> String {
        format!("postgresql://{role}@127.0.0.1:{}/office?sslmode=disable", self.port)
    }

    /// The address over TLS, checked against the trusted authorities.
    pub fn tls_url(&self, role: &str) -> String {
        format!("postgresql://{role}@127.0.0.1:{}/office?sslmode=require", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.path("data");
        // Never a panic here: one while a failed test unwinds aborts every test.
        let _ = self.command("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]).output();
    }
}
