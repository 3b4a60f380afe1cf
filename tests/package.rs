//! The installed package, as IT hands it out: the `.deb` that
//! `scripts/package` built is installed with apt on this machine, the
//! installed `/usr/bin/coopdesk` opens its window on the bundled sample and
//! answers headless, its data goes to the user's data folder, and removing
//! the package leaves that data alone. And the installed program updates
//! itself from a signed `latest.json` served on 127.0.0.1, refusing a
//! forged package, an older version and an endpoint that stalls.
//!
//! Ignored by default: they need release builds of the packages (minutes
//! each) and root. `scripts/package --check` and `--check-update` build them
//! and run these.

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
    wait_for(&c, "result-count", |t| t.contains("items in the catalog")).await;
    std::fs::write(output_dir("package").join("installed-window.png"), crate::driver::screenshot(&c).await).unwrap();
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

/// Polls the element `id` until its text satisfies `ok`; returns the text.
async fn wait_for(c: &fantoccini::Client, id: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = match c.find(Locator::Css(&format!("[data-testid='{id}']"))).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if ok(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{id} never showed what was expected; last: {text:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn press(c: &fantoccini::Client, id: &str) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .unwrap_or_else(|e| panic!("no {id}: {e}"))
        .click()
        .await
        .unwrap();
}

fn installed_version() -> String {
    String::from_utf8(run("dpkg-query", &["-W", "-f=${Version}", "coopdesk"]).stdout).unwrap()
}

/// Opens the installed window on `home`, its About panel open and checked.
async fn about(driver: &Driver) -> fantoccini::Client {
    let c = driver.open_with_args(INSTALLED, &[]).await;
    wait_for(&c, "result-count", |t| t.contains("items in the catalog")).await;
    press(&c, "about-open").await;
    wait_for(&c, "about-version", |t| !t.is_empty()).await;
    c
}

/// Publishes `deb` as release `version` for the updater into `dir`.
fn publish(key: &Path, dir: &Path, deb: &Path, version: &str, base: &str) {
    use coopdesk_feed::release::{publish, Artifact, Release};
    let artifacts = [Artifact { platform: "linux-x86_64-deb".into(), path: deb.to_owned() }];
    let release =
        Release { version, notes: "Vendors' invoices read from their files.", base_url: base, artifacts: &artifacts };
    publish(key, &release, dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs two built .debs, their release key and root: scripts/package --check-update"]
async fn the_installed_package_updates_itself_and_refuses_forgeries_and_downgrades() {
    let var =
        |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} (scripts/package --check-update sets it)"));
    let (deb, next_deb, key) =
        (var("COOPDESK_PACKAGE_DEB"), var("COOPDESK_PACKAGE_DEB_NEXT"), var("COOPDESK_RELEASE_KEY"));
    let (deb, next_deb, key) = (Path::new(&deb), Path::new(&next_deb), Path::new(&key));
    let version = |p: &Path| p.file_name().unwrap().to_str().unwrap().split('_').nth(1).unwrap().to_owned();
    let (now, next) = (version(deb), version(next_deb));
    let home = tempfile::tempdir().unwrap();
    let home_env = [("HOME", home.path().to_str().unwrap())];
    let releases = tempfile::tempdir().unwrap();
    let server = coopdesk_feed::serve::start(releases.path().to_owned(), "127.0.0.1:0").unwrap();
    let base = format!("http://{}/", server.addr);

    // Installed fresh: the package puts its settings file in place; IT then
    // points it at the office's mirror (here, this computer).
    let _ = Command::new("apt-get").args(["-y", "-q", "purge", "coopdesk"]).output();
    apt(&["install", deb.to_str().unwrap()]);
    let settings = std::fs::read_to_string("/etc/coopdesk/updates.toml").unwrap();
    assert!(settings.contains("enabled = false"), "the installed settings file explains itself: {settings}");
    std::fs::write("/etc/coopdesk/updates.toml", format!("endpoint = \"{base}latest.json\"\n")).unwrap();

    // The clerk's data, which must outlive the update.
    assert!(installed(home.path(), &["purchasing", "operator", "Dana Reyes"]).status.success());
    let created = installed(home.path(), &["req", "new", "--department", "PW", "--requester", "Dana Reyes"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let number = String::from_utf8_lossy(&created.stdout).trim().to_owned();

    // The next version, signed, found, downloaded, verified, installed.
    publish(key, releases.path(), next_deb, &next, &base);
    let driver = Driver::start_logging_to(&output_dir("package").join("update-driver.log"), &home_env);
    let c = about(&driver).await;
    assert_eq!(wait_for(&c, "about-version", |t| !t.is_empty()).await, now);
    press(&c, "update-check").await;
    let offer = wait_for(&c, "update-available", |t| !t.is_empty()).await;
    assert!(offer.contains(&format!("coopdesk {next} is available")), "{offer}");
    wait_for(&c, "update-notes", |t| t.contains("Vendors' invoices")).await;
    press(&c, "update-install").await;
    wait_for(&c, "update-installed", |t| t.contains(&format!("coopdesk {next} is installed"))).await;
    assert_eq!(installed_version(), next, "dpkg installed the update");
    std::fs::write(output_dir("package").join("update-installed.png"), crate::driver::screenshot(&c).await).unwrap();
    // Restarting is the clerk's choice; the running window carries on meanwhile.
    // The program exits under WebDriver's click, so the click reports no success.
    let restart = c.find(Locator::Css("[data-testid='update-restart']")).await.unwrap();
    let _ = restart.click().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(c);
    drop(driver);

    // The new version opens on the same data.
    let driver = Driver::start_logging_to(&output_dir("package").join("update-driver-2.log"), &home_env);
    let c = about(&driver).await;
    assert_eq!(wait_for(&c, "about-version", |t| !t.is_empty()).await, next);
    let listed = installed(home.path(), &["req", "list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&number), "the requisition survived the update");

    // A package altered after it was signed is refused, and nothing installed.
    let forged_dir = tempfile::tempdir().unwrap();
    let later = format!(
        "{}.{}",
        next.rsplit_once('.').unwrap().0,
        next.rsplit('.').next().unwrap().parse::<u32>().unwrap() + 1
    );
    let forged = forged_dir.path().join(format!("coopdesk_{later}_amd64.deb"));
    std::fs::copy(next_deb, &forged).unwrap();
    publish(key, releases.path(), &forged, &later, &base);
    let mut bytes = std::fs::read(releases.path().join(forged.file_name().unwrap())).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(releases.path().join(forged.file_name().unwrap()), bytes).unwrap();
    press(&c, "update-check").await;
    wait_for(&c, "update-available", |t| t.contains(&later)).await;
    press(&c, "update-install").await;
    let refused = wait_for(&c, "update-error", |t| !t.is_empty()).await;
    assert!(refused.contains("signature does not match") && refused.contains("Nothing was installed"), "{refused}");
    assert_eq!(installed_version(), next);

    // An older version offered is not installed.
    publish(key, releases.path(), deb, &now, &base);
    press(&c, "update-check").await;
    let older = wait_for(&c, "update-none", |t| !t.is_empty()).await;
    assert!(older.contains(&format!("offers {now}")) && older.contains("nothing was installed"), "{older}");
    assert_eq!(installed_version(), next);
    std::fs::write(output_dir("package").join("update-refused.png"), crate::driver::screenshot(&c).await).unwrap();

    // An endpoint that accepts and never answers is given up on.
    let stall = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std::fs::write(
        "/etc/coopdesk/updates.toml",
        format!("endpoint = \"http://{}/latest.json\"\n", stall.local_addr().unwrap()),
    )
    .unwrap();
    c.close().await.unwrap();
    drop(driver);
    let driver = Driver::start_logging_to(&output_dir("package").join("update-driver-3.log"), &home_env);
    let c = about(&driver).await;
    press(&c, "update-check").await;
    let stalled = wait_for(&c, "update-error", |t| !t.is_empty()).await;
    assert!(stalled.contains("did not answer") && stalled.contains("Nothing was installed"), "{stalled}");
    assert_eq!(installed_version(), next);
    c.close().await.unwrap();
    drop(driver);
    drop(stall);

    apt(&["purge", "coopdesk"]);
    assert!(!Path::new("/etc/coopdesk/updates.toml").exists(), "purging removes the settings file it installed");
    assert!(home.path().join(".local/share/coopdesk/coopdesk.sqlite3").is_file(), "and never the clerk's data");
}
