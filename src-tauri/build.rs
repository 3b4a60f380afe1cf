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
    "purchasing_get",
    "purchasing_set",
    "req_list",
    "req_create",
    "req_view",
    "req_update_header",
    "req_add_item",
    "req_add_manual",
    "req_update_line",
    "req_remove_line",
    "req_accept_price",
    "req_attach",
    "req_remove_attachment",
    "req_acknowledge",
    "req_transition",
    "req_verify_history",
    "agency_logo_set",
    "agency_logo_present",
    "packet_preview",
    "packet_print",
    "packet_save",
    "print_window",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration is valid");
}
