//! The installed package, as IT hands it out: the `.deb` that
//! `scripts/package` built is installed with apt on this machine, the
//! installed `/usr/bin/coopdesk` opens its window on the bundled sample and
//! answers headless, its data goes to the user's data folder, and removing
//! the package leaves that data alone.
//!
//! Ignored by default: it needs a release build of the packages (several
//! minutes) and root. `scripts/package --check` builds them and runs it.

use crate::driver::Driver;
use crate::util::output_dir;
use fantoccini::Locator;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const INSTALLED: &str = "/usr/bin/coopdesk";

fn run(program: &str, args: &[&str]) -> Output {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// apt, as root or through sudo.
fn apt(args: &[&str]) -> Output {
    let root = String::from_utf8_lossy(&run("id", &["-u"]).stdout).trim() == "0";
    let mut all = vec!["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-y", "-q"];
    all.extend_from_slice(args);
    if root {
        run(all[0], &all[1..])
    } else {
        run("sudo", &all)
    }
}

/// Runs the installed binary headless with `home` as the user's home.
fn installed(home: &Path, args: &[&str]) -> Output {
    Command::new(INSTALLED)
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("COOPDESK_DB")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("the installed coopdesk runs")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built .deb and root: scripts/package --check"]
async fn the_installed_package_opens_the_sample_and_searches_headless() {
    let deb = std::env::var("COOPDESK_PACKAGE_DEB")
        .expect("COOPDESK_PACKAGE_DEB names the .deb to install (scripts/package --check sets it)");
    let deb = std::fs::canonicalize(&deb).unwrap();
    let home = tempfile::tempdir().unwrap();

    // Installed by apt, which pulls in what the package depends on.
    apt(&["install", deb.to_str().unwrap()]);
    let files = String::from_utf8(run("dpkg", &["-L", "coopdesk"]).stdout).unwrap();
    for expected in
        [INSTALLED, "/usr/share/applications/coopdesk.desktop", "/usr/share/icons/hicolor/128x128/apps/coopdesk.png"]
    {
        assert!(files.lines().any(|l| l == expected), "{expected} in the package: {files}");
    }
    let desktop = std::fs::read_to_string("/usr/share/applications/coopdesk.desktop").unwrap();
    assert!(desktop.contains("Exec=coopdesk") && desktop.contains("Finance"), "{desktop}");
    let control = String::from_utf8(run("dpkg-query", &["-s", "coopdesk"]).stdout).unwrap();
    assert!(control.contains("libwebkit2gtk-4.1-0"), "the WebView is a declared dependency: {control}");

    // The version the package was built with, from the one place it is set.
    let version = installed(home.path(), &["--version"]);
    assert!(version.status.success());
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("coopdesk {}", env!("CARGO_PKG_VERSION")));

    // The window, started as the desktop entry starts it (no arguments), on
    // a fresh home folder: it loads the bundled sample on first start.
    let log = output_dir("package").join("tauri-driver.log");
    let driver = Driver::start_logging_to(&log, &[("HOME", home.path().to_str().unwrap())]);
    let c = driver.open_with_args(INSTALLED, &[]).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let count = match c.find(Locator::Css("[data-testid='result-count']")).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if count.contains("items in the catalog") {
            break;
        }
        assert!(Instant::now() < deadline, "the installed window never showed the catalog; last: {count:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    std::fs::write(output_dir("package").join("installed-window.png"), c.screenshot().await.unwrap()).unwrap();
    c.close().await.unwrap();
    drop(driver);

    // Headless, on the same data folder, which now holds the sample.
    let found = installed(home.path(), &["search", "battery", "--json"]);
    assert!(found.status.success(), "{}", String::from_utf8_lossy(&found.stderr));
    let page: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert!(page["total"].as_u64().unwrap_or(0) > 0, "the sample has batteries: {page}");
    let data = home.path().join(".local/share/coopdesk/coopdesk.sqlite3");
    assert!(data.is_file(), "the database is in the user's data folder");

    // Removed: the program goes, the clerk's data stays.
    apt(&["remove", "coopdesk"]);
    assert!(!Path::new(INSTALLED).exists());
    assert!(data.is_file(), "removing the package leaves the user's data alone");
}
