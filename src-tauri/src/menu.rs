//! The window's menu bar. File > Import opens the Import panel: the menu
//! only tells the UI, which owns what happens next.

use tauri::menu::{Menu, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The event the UI listens for to open the Import panel.
pub const IMPORT_EVENT: &str = "menu-import";

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let import = MenuItemBuilder::with_id("import", "Import…").accelerator("CmdOrCtrl+I").build(app)?;
    let file = SubmenuBuilder::new(app, "File").item(&import).separator().quit().build()?;
    Menu::with_items(app, &[&file])
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    if event.id() == "import" {
        // No window listening yet is no harm: there is nothing to open.
        let _ = app.emit(IMPORT_EVENT, ());
    }
}
