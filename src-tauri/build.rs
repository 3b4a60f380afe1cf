// Declares the app's commands so that capabilities can allow each one by
// name; a command not listed here cannot be called from the window.
const COMMANDS: &[&str] = &[
    "app_info",
    "catalogue_status",
    "search",
    "facets",
    "contract_detail",
    "item_detail",
    "agency_get",
    "agency_set",
    "feeds_list",
    "feed_add",
    "feed_remove",
    "sync_now",
    "sync_cancel",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration is valid");
}
