//! tauri-driver on its own ports, and a WebDriver session on the coopdesk
//! window: shared by the window tests and the window benchmark (which
//! includes this file by path).

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, MutexGuard};

/// A tauri-driver on its own ports, stopped (with the app it started) when
/// dropped, or by its watchdog when a session outlives [`SESSION_LIMIT`].
pub struct Driver {
    child: Child,
    port: u16,
    watchdog: Option<mpsc::Sender<()>>,
}

/// The longest a window may be driven. A WebView that stops answering
/// leaves WebDriver's calls waiting forever; stopping the driver and app
/// then turns the hang into a failed test that says so, instead of a test
/// run that never ends. The slowest session (the full-size window
/// benchmark) takes a few minutes.
pub const SESSION_LIMIT: Duration = Duration::from_secs(10 * 60);

/// Opening a window can take the X input focus, so a test that sends keys
/// through the X server holds this from focusing its window to its last
/// key, and every window opens under it: keys meant for one window never
/// reach another test's.
static X_INPUT: Mutex<()> = Mutex::const_new(());

/// Holds the X input focus for this test (see [`X_INPUT`]).
pub async fn x_input() -> MutexGuard<'static, ()> {
    X_INPUT.lock().await
}

/// How long a window may take to hand over a screenshot.
pub const SCREENSHOT_LIMIT: Duration = Duration::from_secs(60);

/// Repaints a transparent pixel every 50 ms for three seconds.
const REPAINT: &str = "const d = document.createElement('div');
    d.id = 'screenshot-repaint';
    d.setAttribute('aria-hidden', 'true');
    d.style.cssText = 'position:fixed;left:0;bottom:0;width:1px;height:1px;pointer-events:none;opacity:0';
    document.body.appendChild(d);
    let n = 0;
    const t = setInterval(() => {
        d.style.opacity = n % 2 ? '0' : '0.01';
        if (++n > 60) { clearInterval(t); d.remove(); }
    }, 50);";

/// A PNG of the window as it is painted, half a second after the call (the
/// WebView paints a moment after the DOM settles). WebKitGTK hands a screenshot over
/// with the window's next frame, and a page with nothing changing paints
/// none: a screenshot of a still window (no caret blinking, no animation)
/// waits until something else repaints it, which may be never. So the page
/// repaints a transparent pixel while the screenshot is taken; and one that
/// still does not come within [`SCREENSHOT_LIMIT`] fails the test, saying so.
pub async fn screenshot(c: &Client) -> Vec<u8> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    c.execute(REPAINT, vec![]).await.expect("the window runs a script");
    match tokio::time::timeout(SCREENSHOT_LIMIT, c.screenshot()).await {
        Ok(png) => png.expect("a screenshot of the window"),
        Err(_) => panic!("the window gave no screenshot within {} s", SCREENSHOT_LIMIT.as_secs()),
    }
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
        let log_path = log.to_owned();
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
        let watchdog = watch(child.id(), log_path);
        Driver { child, port, watchdog: Some(watchdog) }
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

    /// Starts `app` with `args` and leaves the welcome walkthrough, if due,
    /// open (also for a window that has none, such as the start-up
    /// benchmark's reference).
    pub async fn open_as_new(&self, app: &str, args: &[&str]) -> Client {
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app, "args": args }
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let _focus = x_input().await;
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
        // Dropping the sender wakes the watchdog, which then leaves.
        self.watchdog.take();
        stop_group(self.child.id());
        let _ = self.child.wait();
    }
}

/// Stops tauri-driver's process group: the driver, WebKitWebDriver and app.
fn stop_group(leader: u32) {
    let group = format!("-{leader}");
    let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
}

/// Stops the group led by `leader` if nothing is sent or the sender is not
/// dropped within [`SESSION_LIMIT`], saying why and what the driver logged.
fn watch(leader: u32, log: std::path::PathBuf) -> mpsc::Sender<()> {
    let (done, wait) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(SESSION_LIMIT) {
            let logged = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = logged.lines().rev().take(40).collect();
            eprintln!(
                "the window did not answer within {} min: its driver and app are stopped, so the test fails here. \
                 The end of {}:\n{}",
                SESSION_LIMIT.as_secs() / 60,
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
            stop_group(leader);
        }
    });
    done
}

/// Waits for the window to learn whether the walkthrough is due (it asks
/// once the catalog shows) and skips it if it opened. Until coopdesk's page
/// has loaded there is no walkthrough to look at: a session can begin on
/// the WebView's blank first page, so its absence says nothing.
async fn skip_welcome(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let probe = "const d = document.querySelector(\"[data-testid='welcome']\");
        return !d || d.dataset.checked !== 'true' ? 'pending' : d.open ? 'open' : 'closed';";
    loop {
        let state = c.execute(probe, vec![]).await.ok().and_then(|v| v.as_str().map(str::to_owned));
        match state.as_deref() {
            Some("closed") => return,
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
