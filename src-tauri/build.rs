// Declares the app's commands so that capabilities can allow each one by
// name; a command not listed here cannot be called from the window.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
        "app_info",
        "catalogue_status",
        "search",
    ])))
    .expect("tauri build configuration is valid");
}
