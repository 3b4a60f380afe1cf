//! tauri-driver on its own ports, and a WebDriver session on the coopdesk
//! window: shared by the window tests and the window benchmark (which
//! includes this file by path).

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tauri-driver on its own ports, stopped (with the app it started) when
/// dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn tauri_driver_path() -> std::path::PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("tauri-driver"))
        .find(|p| p.is_file());
    let in_cargo = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/tauri-driver"));
    on_path.or(in_cargo.filter(|p| p.is_file())).expect(
        "tauri-driver is not installed: run the tests with scripts/test, which installs it \
         (or `cargo install tauri-driver --version '^2' --locked`)",
    )
}

impl Driver {
    /// Starts tauri-driver with `env` for the app it starts, logging to `log`.
    pub fn start_logging_to(log: &Path, env: &[(&str, &str)]) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "the window needs a display: run under xvfb-run (scripts/test does)"
        );
        let port = free_port();
        let log = std::fs::File::create(log).unwrap();
        // Its own process group, so that stopping it also stops the
        // WebKitWebDriver and app it starts; its output goes to a file so no
        // leftover process can hold the runner's pipes open.
        let child = Command::new(tauri_driver_path())
            .args(["--port", &port.to_string(), "--native-port", &free_port().to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .envs(env.iter().copied())
            .process_group(0)
            .spawn()
            .expect("tauri-driver starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, port }
    }

    /// Starts `app` on the database `db` and opens a session on its window.
    pub async fn open(&self, app: &str, db: &Path) -> Client {
        self.open_with_args(app, &["--db", db.to_str().unwrap()]).await
    }

    /// Starts `app` with `args` and opens a session on its window; the
    /// welcome walkthrough of a new office's first start is skipped, as a
    /// clerk who wants to get on with it would.
    pub async fn open_with_args(&self, app: &str, args: &[&str]) -> Client {
        let c = self.open_as_new(app, args).await;
        skip_welcome(&c).await;
        c
    }

    /// Starts `app` with `args` and leaves the welcome walkthrough, if due, open.
    pub async fn open_as_new(&self, app: &str, args: &[&str]) -> Client {
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app, "args": args }
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session on the coopdesk window")
    }

    /// The process id of tauri-driver, whose group holds the app's processes
    /// (the start-up benchmark sums their memory).
    #[allow(dead_code)]
    pub fn group(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

/// Waits for the window to learn whether the walkthrough is due (it asks
/// once the catalog shows) and skips it if it opened.
async fn skip_welcome(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(90);
    // A window with no welcome at all once loaded (the start-up benchmark's
    // hello-world) has nothing to skip.
    let probe = "const d = document.querySelector(\"[data-testid='welcome']\");
        if (!d) return document.readyState === 'complete' ? 'none' : 'pending';
        return d.dataset.checked !== 'true' ? 'pending' : d.open ? 'open' : 'closed';";
    loop {
        let state = c.execute(probe, vec![]).await.ok().and_then(|v| v.as_str().map(str::to_owned));
        match state.as_deref() {
            Some("closed") | Some("none") => return,
            Some("open") => {
                if let Ok(skip) = c.find(fantoccini::Locator::Css("[data-testid='welcome-skip-all']")).await {
                    let _ = skip.click().await;
                }
            }
            _ => {}
        }
        assert!(Instant::now() < deadline, "the window did not say within 90 s whether its welcome is due");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
