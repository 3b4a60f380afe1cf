//! Requisition packets read back with poppler's `pdftotext`: each section,
//! a long table across pages, Unicode, appended and refused attachments,
//! and byte-for-byte determinism.

use crate::fixture::{assert_tagged, TestStore};
use crate::requisitions::{header_for, ready_store, today, CLERK};
use coopdesk_core::orders::*;
use coopdesk_core::packet::{Packet, Paper};
use coopdesk_core::Cents;
use std::process::Command;

fn generated() -> chrono::DateTime<chrono::Utc> {
    "2026-11-22T15:04:05Z".parse().unwrap()
}

/// The text of `pdf` (pages `first..=last`, or all), as poppler extracts it,
/// with runs of whitespace made one space so that a wrapped table cell reads
/// as one phrase.
pub fn text(pdf: &[u8], pages: Option<(u32, u32)>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("packet.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new("pdftotext");
    if let Some((f, l)) = pages {
        cmd.args(["-f", &f.to_string(), "-l", &l.to_string()]);
    }
    let out =
        cmd.arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is installed: scripts/setup installs it");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Leaves a copy where people can look at it (and render it with pdftoppm).
fn keep(pdf: &[u8], name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-output").join("packets");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), pdf).unwrap();
}

fn page_count(pdf: &[u8]) -> u32 {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len() as u32
}

/// A real two-page PDF, as a vendor's quote would arrive.
fn two_page_quote() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let mut kids = vec![];
    for n in 1..=2 {
        let content = format!("BT /F1 14 Tf 72 700 Td (Bayou Recycling quote, page {n} of 2: total 25.00) Tj ET");
        let stream = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => stream,
        });
        kids.push(Object::Reference(page));
    }
    // Resources and MediaBox on the page tree, inherited by the pages.
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => 2,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(60, 30, |x, _| image::Rgb([200, (x * 4) as u8, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A requisition with a contract line, an off-contract line with its quote,
/// a justification, an acknowledged warning, and attachments.
fn full_requisition(t: &mut TestStore) -> String {
    let s = &mut t.store;
    let mut settings = s.purchasing_settings().unwrap();
    settings.signatories = Signatories {
        department_head: Signer { name: "Pat Lee".into(), title: "Public Works Director".into() },
        finance: Signer { name: "Lou Chen".into(), title: "Budget Officer".into() },
        purchasing: Signer { name: "Ana Ruiz".into(), title: "Purchasing Agent".into() },
    };
    s.set_purchasing_settings(&settings).unwrap();
    let mut h = header_for("PW");
    h.purpose = "Batteries for the 911 centre – café kiosk UPS, €-priced parts".into();
    h.justification = Some(Justification {
        kind: JustificationKind::SoleSource,
        text: "Only Bayou Recycling is licensed to take lead-acid batteries in the county.".into(),
    });
    let n = s.create_requisition(&h, CLERK).unwrap();
    s.add_item(&n, "i1", 30, Some("100-210-01-5230"), CLERK).unwrap();
    s.add_manual_line(
        &n,
        &ManualLine {
            description: "Battery disposal fee".into(),
            unit: "EA".into(),
            quantity: 1,
            unit_price: Cents(2_500),
            vendor: "Bayou Recycling".into(),
            account: "100-210-01-5410".into(),
            ..Default::default()
        },
        CLERK,
    )
    .unwrap();
    let quote = NewAttachment {
        file_name: "bayou-quote.pdf".into(),
        kind: AttachmentKind::Quote,
        quote: QuoteInfo {
            vendor: Some("Bayou Recycling".into()),
            amount: Some(Cents(2_500)),
            quoted_on: Some(today()),
        },
        note: String::new(),
    };
    s.attach(&n, &quote, &two_page_quote(), CLERK).unwrap();
    let photo = NewAttachment {
        file_name: "old-battery.png".into(),
        kind: AttachmentKind::Other,
        quote: QuoteInfo::default(),
        note: String::new(),
    };
    s.attach(&n, &photo, &png(), CLERK).unwrap();
    let memo = NewAttachment {
        file_name: "memo.txt".into(),
        kind: AttachmentKind::Memo,
        quote: QuoteInfo::default(),
        note: String::new(),
    };
    s.attach(&n, &memo, b"Call Bayou before 10am.", CLERK).unwrap();
    n
}

#[test]
fn every_section_reads_back() {
    let mut t = ready_store();
    let n = full_requisition(&mut t);
    let packet = t.store.build_packet(&n, Paper::Letter, generated()).unwrap();
    keep(&packet.pdf, "full.pdf");
    assert!(packet.notes.is_empty(), "{:?}", packet.notes);
    let all = text(&packet.pdf, None);
    let expect = [
        // 1. The requisition form.
        "Town of Harbor",
        "Purchase requisition",
        n.as_str(),
        "Pelican Power Supply",
        "911 Centre, 2 Harbor Way",
        "UPS replacement battery cartridge",
        "SKU SKU-i1",
        "$65.00",
        "$1,950.00",
        "100-210-01-5230",
        "100-210-01-5410",
        "Grand total",
        "$1,975.00",
        // 2. The contract citation and its evidence.
        "Cooperative contract citation: GSP-2501-001",
        "Gulf States Purchasing Cooperative",
        "membership agreement with Gulf States Purchasing Cooperative signed 2024-01-01 on file",
        "open to agencies in every state",
        "feed-a, publication 1",
        "SAVING: LIST PRICE AGAINST CONTRACT PRICE",
        "$3,000.00",
        // 3. Quotes.
        "Quotes and price reasonableness",
        "Bayou Recycling",
        // 4. Justification.
        "Justification: sole source",
        "Only Bayou Recycling is licensed",
        // 5. Policy.
        "Policy check",
        // 6. Approvals.
        "DEPARTMENT HEAD",
        "Pat Lee, Public Works Director",
        "Lou Chen, Budget Officer",
        "Ana Ruiz, Purchasing Agent",
        // 7. Attachments.
        "bayou-quote.pdf",
        "appended at the end (2 pages)",
        "old-battery.png",
        "placed on its own page",
        "memo.txt",
        "listed only",
        // The appended quote itself.
        "Bayou Recycling quote, page 2 of 2",
        // 8. Footer.
        "Generated 2026-11-22 15:04 UTC",
        &format!("packet {}", packet.short_hash),
    ];
    for e in expect {
        assert!(all.contains(e), "the packet should say {e:?}:\n{all}");
    }
    let pages = page_count(&packet.pdf);
    assert_eq!(pages, packet.pages);
    for p in 1..=pages {
        let page = text(&packet.pdf, Some((p, p)));
        assert!(page.contains(&format!("Page {p} of {pages}")), "page {p} footer:\n{page}");
        assert!(page.contains(&format!("Requisition {n}")), "page {p} names the requisition");
        assert!(page.contains("DRAFT"), "a draft's packet says so on page {p}:\n{page}");
        assert!(!page.contains("SAMPLE DATA"), "a real feed's packet is not marked as the sample's");
    }
    // The quote's pages are the last two, stamped with the same footer.
    assert!(text(&packet.pdf, Some((pages - 1, pages - 1))).contains("page 1 of 2"));
    let hash = &t.store.requisition(&n).unwrap().attachments[0].sha256;
    assert!(all.contains(hash.as_str()), "attachment hashes are printed in full");
}

#[test]
fn unicode_survives_into_the_text() {
    let mut t = ready_store();
    let n = full_requisition(&mut t);
    let packet = t.store.build_packet(&n, Paper::A4, generated()).unwrap();
    let all = text(&packet.pdf, None);
    for e in ["café", "centre – café", "€"] {
        assert!(all.contains(e), "{e:?} missing:\n{all}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a4.pdf");
    std::fs::write(&path, &packet.pdf).unwrap();
    let info = String::from_utf8(Command::new("pdfinfo").arg(&path).output().unwrap().stdout).unwrap();
    assert!(info.contains("595.28 x 841.89") || info.contains("(A4)"), "A4 pages: {info}");
}

#[test]
fn a_long_table_repeats_its_header_on_every_page() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&n, "i2", 2, Some("100-210-01-5230"), CLERK).unwrap();
    for i in 1..250 {
        let line = ManualLine {
            description: format!("Hurricane shutter bracket, size {i}"),
            unit: "EA".into(),
            quantity: 1 + i % 7,
            unit_price: Cents(1_000 + i as i64),
            vendor: "Gulf Hardware".into(),
            account: format!("100-210-0{}-5230", i % 3),
            ..Default::default()
        };
        s.add_manual_line(&n, &line, CLERK).unwrap();
    }
    assert_eq!(s.requisition(&n).unwrap().lines.len(), 250);
    let packet = s.build_packet(&n, Paper::Letter, generated()).unwrap();
    keep(&packet.pdf, "250-lines.pdf");
    let all = text(&packet.pdf, None);
    assert!(all.contains("Hurricane shutter bracket, size 249"));
    assert!(all.contains("SUBTOTAL BY ACCOUNT"));
    // Every page the table runs over starts with its header row.
    let mut table_pages = 0;
    for p in 1..=packet.pages {
        let page = text(&packet.pdf, Some((p, p)));
        if page.contains("Hurricane shutter bracket") {
            table_pages += 1;
            assert!(
                page.contains("Unit price") && page.contains("Extended") && page.contains("Account"),
                "page {p}:\n{page}"
            );
        }
    }
    assert!(table_pages >= 4, "250 lines span several pages, got {table_pages}");
}

#[test]
fn the_same_requisition_gives_the_same_bytes() {
    let mut t = ready_store();
    let n = full_requisition(&mut t);
    let a = t.store.build_packet(&n, Paper::Letter, generated()).unwrap();
    let b = t.store.build_packet(&n, Paper::Letter, generated()).unwrap();
    assert_eq!(a.pdf, b.pdf, "same input, same bytes");
    let later = t.store.build_packet(&n, Paper::Letter, generated() + chrono::Duration::hours(1)).unwrap();
    assert_ne!(later.pdf, a.pdf);
    assert_eq!(later.content_hash, a.content_hash, "only the generation time differs");
    // A change to the requisition changes the packet's hash.
    t.store.update_line(&n, 1, &LineEdit { quantity: Some(31), ..Default::default() }, CLERK).unwrap();
    let changed: Packet = t.store.build_packet(&n, Paper::Letter, generated()).unwrap();
    assert_ne!(changed.content_hash, a.content_hash);
}

#[test]
fn a_malformed_attachment_is_refused_and_the_rest_still_prints() {
    let mut t = ready_store();
    let n = full_requisition(&mut t);
    let broken = NewAttachment {
        file_name: "scan.pdf".into(),
        kind: AttachmentKind::Quote,
        quote: QuoteInfo { vendor: Some("Delta Supply".into()), amount: Some(Cents(3_000)), quoted_on: None },
        note: String::new(),
    };
    t.store.attach(&n, &broken, b"%PDF-1.4\nthis is not really a PDF", CLERK).unwrap();
    let bad_png = NewAttachment {
        file_name: "photo.png".into(),
        kind: AttachmentKind::Other,
        quote: QuoteInfo::default(),
        note: String::new(),
    };
    t.store.attach(&n, &bad_png, b"\x89PNG\r\n\x1a\ntruncated", CLERK).unwrap();
    let packet = t.store.build_packet(&n, Paper::Letter, generated()).unwrap();
    assert_eq!(packet.notes.len(), 2, "{:?}", packet.notes);
    assert!(packet.notes[0].contains("'scan.pdf' was not included: not a readable PDF"), "{:?}", packet.notes);
    assert!(packet.notes[1].contains("'photo.png' was not included: not a readable image"), "{:?}", packet.notes);
    let all = text(&packet.pdf, None);
    assert!(all.contains("NOT INCLUDED") && all.contains("not a readable PDF (failed parsing"), "{all}");
    assert!(all.contains("Bayou Recycling quote, page 2 of 2"), "the good attachment is still appended");
    assert!(all.contains("Delta Supply"), "the refused quote still counts in the quote table");

    // Printing is recorded in the history with the packet's hash.
    t.store.record_packet(&n, &packet, "saved", CLERK).unwrap();
    let last = t.store.requisition_history(&n).unwrap().pop().unwrap();
    assert_eq!(last.action, "packet_printed");
    assert_eq!(last.detail["content_hash"], packet.content_hash);
    assert!(t.store.verify_history().unwrap().problems.is_empty());
}

/// Packets are public records: a screen reader must be able to follow them.
/// The packet is tagged, in English, titled, its tables have header cells,
/// its images have alternative text, and an appended attachment and its
/// stamped footer do not break the tags.
#[test]
fn a_packet_is_a_tagged_pdf_a_screen_reader_can_follow() {
    let mut t = ready_store();
    let n = full_requisition(&mut t);
    let packet = t.store.build_packet(&n, Paper::Letter, generated()).unwrap();
    let structure =
        assert_tagged(&packet.pdf, &format!("Requisition {n}"), &["H1", "H2", "Table", "TH", "TD", "Figure"]);
    assert!(structure.contains("Battery disposal fee"), "the lines' text is tagged:\n{structure}");
    keep(&packet.pdf, "tagged.pdf");
}
