//! Commands of the requisition screens and Settings > Purchasing: each a thin
//! adapter over `coopdesk_core::orders`. Changes are made as the operator
//! named in the settings and answer with the refreshed requisition.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use base64::Engine;
use coopdesk_core::agency::Logo;
use coopdesk_core::orders::*;
use coopdesk_core::packet::{Paper, SavedPacket};
use coopdesk_core::{Error, Store};
use tauri::ipc::Response;
use tauri::State;

/// Files reach the backend base64-encoded inside the JSON message.
fn decode(content: &str) -> Result<Vec<u8>, IpcError> {
    base64::engine::general_purpose::STANDARD
        .decode(content)
        .map_err(|_| IpcError::from(Error::Invalid("The file could not be read; choose it again.".into())))
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[tauri::command]
pub async fn purchasing_get(state: State<'_, AppState>) -> Result<PurchasingSettings, IpcError> {
    state.with_store(|store| store.purchasing_settings()).await
}

#[tauri::command]
pub async fn purchasing_set(state: State<'_, AppState>, settings: PurchasingSettings) -> Result<(), IpcError> {
    state.with_store(move |store| store.set_purchasing_settings(&settings)).await
}

/// Sets the logo printed on packets from a base64-encoded PNG or JPEG, or
/// removes it with `None`.
#[tauri::command]
pub async fn agency_logo_set(state: State<'_, AppState>, content: Option<String>) -> Result<(), IpcError> {
    let logo = match content {
        Some(c) => Some(Logo::from_bytes(decode(&c)?).map_err(IpcError::from)?),
        None => None,
    };
    state.with_store(move |store| store.set_agency_logo(logo.as_ref())).await
}

#[tauri::command]
pub async fn agency_logo_present(state: State<'_, AppState>) -> Result<bool, IpcError> {
    state.with_store(|store| store.agency_logo().map(|l| l.is_some())).await
}

#[tauri::command]
pub async fn req_list(state: State<'_, AppState>, filter: ListFilter) -> Result<RequisitionList, IpcError> {
    state.with_store(move |store| store.requisitions(&filter)).await
}

/// With `incident`, an emergency purchase under it. Answers with its number.
#[tauri::command]
pub async fn req_create(state: State<'_, AppState>, header: Header, incident: Option<i64>) -> Result<String, IpcError> {
    state.with_store(move |store: &mut Store| store.create_requisition_for(&header, incident, &store.operator()?)).await
}

#[tauri::command]
pub async fn req_set_emergency_docs(
    state: State<'_, AppState>,
    number: String,
    docs: EmergencyDocs,
    project: Option<String>,
) -> Result<RequisitionView, IpcError> {
    state
        .change_requisition(number.clone(), move |store, by| {
            store.set_emergency_docs(&number, &docs, project.as_deref(), by)
        })
        .await
}

#[tauri::command]
pub async fn req_view(state: State<'_, AppState>, number: String) -> Result<RequisitionView, IpcError> {
    state.with_store(move |store| store.review_requisition(&number, today())).await
}

#[tauri::command]
pub async fn req_update_header(
    state: State<'_, AppState>,
    number: String,
    header: Header,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.update_header(&number, &header, by)).await
}

#[tauri::command]
pub async fn req_add_item(
    state: State<'_, AppState>,
    number: String,
    item_id: String,
    quantity: u32,
    account: Option<String>,
) -> Result<RequisitionView, IpcError> {
    state
        .change_requisition(number.clone(), move |store, by| {
            store.add_item(&number, &item_id, quantity, account.as_deref(), by)
        })
        .await
}

#[tauri::command]
pub async fn req_add_manual(
    state: State<'_, AppState>,
    number: String,
    line: ManualLine,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.add_manual_line(&number, &line, by)).await
}

#[tauri::command]
pub async fn req_update_line(
    state: State<'_, AppState>,
    number: String,
    position: u32,
    edit: LineEdit,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.update_line(&number, position, &edit, by)).await
}

#[tauri::command]
pub async fn req_remove_line(
    state: State<'_, AppState>,
    number: String,
    position: u32,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.remove_line(&number, position, by)).await
}

#[tauri::command]
pub async fn req_accept_price(
    state: State<'_, AppState>,
    number: String,
    position: u32,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.accept_current_price(&number, position, by)).await
}

#[tauri::command]
pub async fn req_attach(
    state: State<'_, AppState>,
    number: String,
    attachment: NewAttachment,
    content: String,
) -> Result<RequisitionView, IpcError> {
    let bytes = decode(&content)?;
    state.change_requisition(number.clone(), move |store, by| store.attach(&number, &attachment, &bytes, by)).await
}

#[tauri::command]
pub async fn req_remove_attachment(
    state: State<'_, AppState>,
    number: String,
    attachment_id: i64,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.remove_attachment(&number, attachment_id, by)).await
}

#[tauri::command]
pub async fn req_acknowledge(
    state: State<'_, AppState>,
    number: String,
    key: String,
    note: String,
) -> Result<RequisitionView, IpcError> {
    state
        .change_requisition(number.clone(), move |store, by| store.acknowledge(&number, &key, &note, by, today()))
        .await
}

#[tauri::command]
pub async fn req_transition(
    state: State<'_, AppState>,
    number: String,
    step: Transition,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.transition(&number, &step, by, today())).await
}

/// Records a vendor's invoice, acknowledges one of its findings, or approves
/// it for payment.
#[tauri::command]
pub async fn req_invoice(
    state: State<'_, AppState>,
    number: String,
    step: invoices::InvoiceStep,
) -> Result<RequisitionView, IpcError> {
    state.change_requisition(number.clone(), move |store, by| store.invoice_step(&number, &step, by)).await
}

/// Reads a vendor's invoice file for the requisition, before it is recorded.
#[tauri::command]
pub async fn req_invoice_file(
    state: State<'_, AppState>,
    number: String,
    location: String,
) -> Result<invoice_file::InvoiceFile, IpcError> {
    state.with_store(move |store| store.read_invoice_file(&number, &location, &Default::default())).await
}

/// The packet's PDF bytes, for the preview.
#[tauri::command]
pub async fn packet_preview(state: State<'_, AppState>, number: String, paper: Paper) -> Result<Response, IpcError> {
    state
        .with_store(move |store| store.build_packet(&number, paper, store.clock().now()))
        .await
        .map(|p| Response::new(p.pdf))
}

/// The packet's PDF bytes for printing; the printing is recorded.
#[tauri::command]
pub async fn packet_print(state: State<'_, AppState>, number: String, paper: Paper) -> Result<Response, IpcError> {
    state
        .with_store(move |store: &mut Store| store.print_packet(&number, paper, &store.operator()?))
        .await
        .map(|p| Response::new(p.pdf))
}

/// Saves to `path`, or to the save folder when the clerk set one.
#[tauri::command]
pub async fn packet_save(
    state: State<'_, AppState>,
    number: String,
    paper: Paper,
    path: Option<std::path::PathBuf>,
) -> Result<SavedPacket, IpcError> {
    state.with_store(move |store: &mut Store| store.save_packet(&number, paper, path, &store.operator()?)).await
}

/// Opens the system print dialog for the window (which shows the packet's
/// pages when printing).
#[tauri::command]
pub fn print_window(window: tauri::WebviewWindow) -> Result<(), IpcError> {
    window.print().map_err(|_| IpcError::from(Error::Invalid("The print dialog could not be opened.".into())))
}
