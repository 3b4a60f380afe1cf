//! The window's menu bar. File > Import opens the Import panel and Help >
//! Keyboard the list of shortcuts: the menu only tells the UI, which owns
//! what happens next.

use tauri::menu::{Menu, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The event the UI listens for to open the Import panel.
pub const IMPORT_EVENT: &str = "menu-import";
/// The event the UI listens for to show the keyboard shortcuts.
pub const KEYBOARD_EVENT: &str = "menu-keyboard";

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let import = MenuItemBuilder::with_id("import", "Import…").accelerator("CmdOrCtrl+I").build(app)?;
    let file = SubmenuBuilder::new(app, "File").item(&import).separator().quit().build()?;
    let keyboard = MenuItemBuilder::with_id("keyboard", "Keyboard").build(app)?;
    let help = SubmenuBuilder::new(app, "Help").item(&keyboard).build()?;
    Menu::with_items(app, &[&file, &help])
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    // No window listening yet is no harm: there is nothing to open.
    let _ = match event.id().as_ref() {
        "import" => app.emit(IMPORT_EVENT, ()),
        "keyboard" => app.emit(KEYBOARD_EVENT, ()),
        _ => Ok(()),
    };
}
