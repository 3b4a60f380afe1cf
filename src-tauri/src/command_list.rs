// The one list of the commands the window may call, by module. Everything
// else is derived from it: the handler in `lib.rs`, the command names that
// `build.rs` declares, and the permission set the window's capability grants
// (`build.rs` writes it). `tests/commands.rs` checks that the UI calls only
// these and every one of them. Included by `build.rs` too, so: no `//!`.

macro_rules! for_each_command {
    ($then:ident) => {
        $then! {
            commands: catalogue_status, search, facets, contract_detail, item_detail, agency_get,
                agency_set, feeds_list, feed_add, feed_remove, sync_now, sync_cancel, document_keep, document_open,
                data_location;
            first_run_commands: first_run_get, first_run_done, sample_remove, sample_load;
            requisition_commands: purchasing_get, purchasing_set, req_list, req_create, req_view,
                req_update_header, req_add_item, req_add_manual, req_update_line, req_remove_line,
                req_accept_price, req_attach, req_remove_attachment, req_acknowledge, req_transition, req_invoice,
                req_invoice_file,
                req_set_emergency_docs, agency_logo_set, agency_logo_present, packet_preview,
                packet_print, packet_save, print_window;
            emergency_commands: incidents_list, incident_active, incident_dashboard, incident_declare,
                incident_activate, incident_extend, incident_close, incident_fema_number, incident_add_project,
                vendor_sheet_print, vendor_sheet_save, fema_packet_print, fema_packet_save;
            import_commands: import_run, import_log;
            report_commands: report_savings, report_save;
            update_commands: update_status, update_check, update_install, update_restart;
            office_commands: office_get, office_sync, office_inbox, office_share, office_decide, office_init, office_join,
                office_join_requests, office_admit, office_remove, office_set_finance_rule, office_attachment_save,
                office_edit, office_resolve, office_share_incident,
                office_keyring_available;
        }
    };
}
