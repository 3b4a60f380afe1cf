//! The window's menu bar. File > Import opens the Import panel, Help > User
//! Guide the guide built into the window, Help > Keyboard the list of
//! shortcuts, and Help > Check for updates and Help > About the About panel:
//! the menu only tells the UI, which owns what happens next.

use tauri::menu::{Menu, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The event the UI listens for to open the Import panel.
pub const IMPORT_EVENT: &str = "menu-import";
/// The event the UI listens for to open the user guide.
pub const GUIDE_EVENT: &str = "menu-guide";
/// The event the UI listens for to show the keyboard shortcuts.
pub const KEYBOARD_EVENT: &str = "menu-keyboard";
/// The event the UI listens for to open About, with its update check.
pub const ABOUT_EVENT: &str = "menu-about";

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let import = MenuItemBuilder::with_id("import", "Import…").accelerator("CmdOrCtrl+I").build(app)?;
    let file = SubmenuBuilder::new(app, "File").item(&import).separator().quit().build()?;
    let guide = MenuItemBuilder::with_id("guide", "User Guide").accelerator("F1").build(app)?;
    let keyboard = MenuItemBuilder::with_id("keyboard", "Keyboard").build(app)?;
    let updates = MenuItemBuilder::with_id("updates", "Check for Updates…").build(app)?;
    let about = MenuItemBuilder::with_id("about", "About coopdesk").build(app)?;
    let help = SubmenuBuilder::new(app, "Help")
        .item(&guide)
        .item(&keyboard)
        .item(&updates)
        .separator()
        .item(&about)
        .build()?;
    Menu::with_items(app, &[&file, &help])
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    // No window listening yet is no harm: there is nothing to open.
    let _ = match event.id().as_ref() {
        "import" => app.emit(IMPORT_EVENT, ()),
        "guide" => app.emit(GUIDE_EVENT, ()),
        "keyboard" => app.emit(KEYBOARD_EVENT, ()),
        "updates" | "about" => app.emit(ABOUT_EVENT, ()),
        _ => Ok(()),
    };
}
