// Declares the app's commands, from the one list in `src/command_list.rs`,
// so that each gets an `allow-…` permission, and writes the permission set
// `window-commands` that grants them all: the window's capability in
// `tauri.conf.json` names that set, so a command added to the list is
// handled, declared and granted at once, and one not on it is none of these.

include!("src/command_list.rs");

macro_rules! command_names {
    ($($module:ident: $($command:ident),+;)+) => {
        &[$($(stringify!($command)),+),+]
    };
}

const COMMANDS: &[&str] = for_each_command!(command_names);

fn main() {
    write_permission_set();
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration is valid");
}

fn write_permission_set() {
    let dir = std::path::Path::new("permissions/generated");
    std::fs::create_dir_all(dir).expect("the permissions folder can be created");
    let granted: Vec<String> = COMMANDS.iter().map(|c| format!("  \"allow-{}\",\n", c.replace('_', "-"))).collect();
    let text = format!(
        "# Written by build.rs from src-tauri/src/command_list.rs; do not edit.\n\
         [[set]]\n\
         identifier = \"window-commands\"\n\
         description = \"Every coopdesk command the main window calls.\"\n\
         permissions = [\n{}]\n",
        granted.concat()
    );
    let path = dir.join("window-commands.toml");
    // Rewritten only when it changes, so the build does not run again for nothing.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).expect("the permission set can be written");
    }
    println!("cargo:rerun-if-changed=src/command_list.rs");
}
