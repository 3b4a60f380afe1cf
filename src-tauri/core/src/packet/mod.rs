//! Requisition packets: the PDF a department head signs, purchasing files
//! and an auditor pulls years later. The requisition form, a citation per
//! cooperative contract with its eligibility basis and evidence, the quotes,
//! the justification, the policy findings and acknowledgements, the approval
//! blocks, and the attachments (PDFs appended, images placed, others listed).
//!
//! [`render`] is a pure function of its input and the generation time passed
//! in: the same input gives the same bytes. Layout is Typst's (the template
//! is `assets/packet/requisition.typ`, the fonts are in `assets/fonts`);
//! attachment PDFs are appended with lopdf.
//!
//! - [`data`]: what the template prints, formatted in Rust.
//! - [`world`]: the in-memory Typst world.
//! - [`merge`]: appending PDFs and stamping their footers.

mod data;
pub(crate) mod merge;
pub(crate) mod world;

use crate::agency::{AgencyProfile, Logo};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::orders::{Attachment, PurchasingSettings, RequisitionView};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use data::Placement;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// US Letter, the default.
    #[default]
    Letter,
    A4,
}

impl std::str::FromStr for Paper {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "letter" | "us-letter" => Ok(Paper::Letter),
            "a4" => Ok(Paper::A4),
            _ => Err(format!("'{s}' is not a paper size; use letter or a4")),
        }
    }
}

/// A packet and where it was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedPacket {
    #[serde(flatten)]
    pub packet: Packet,
    pub path: std::path::PathBuf,
}

/// Everything a packet is made from.
pub struct PacketInput<'a> {
    pub view: &'a RequisitionView,
    pub agency: Option<&'a AgencyProfile>,
    pub settings: &'a PurchasingSettings,
    pub logo: Option<&'a Logo>,
    /// The requisition's attachments with their bytes, in its order.
    pub attachments: &'a [(Attachment, Vec<u8>)],
    /// The day eligibility is judged on.
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Packet {
    #[serde(skip)]
    pub pdf: Vec<u8>,
    /// SHA-256 of what the packet says (not of when it was generated): two
    /// printouts with the same hash say the same thing.
    pub content_hash: String,
    /// The first 12 hex digits, printed in every footer.
    pub short_hash: String,
    pub pages: u32,
    /// Attachments that could not be included, and why.
    pub notes: Vec<String>,
}

fn qr_svg(text: &str) -> Vec<u8> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(text.as_bytes()).expect("a requisition number fits in a QR code");
    code.render::<svg::Color>().min_dimensions(240, 240).quiet_zone(true).build().into_bytes()
}

fn image_ext(media_type: &str) -> Option<&'static str> {
    match media_type {
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpg"),
        _ => None,
    }
}

/// Typesets the packet for `input` on `paper`, stamped as generated at
/// `generated_at`.
pub fn render(input: &PacketInput, paper: Paper, generated_at: DateTime<Utc>) -> Result<Packet> {
    let number = &input.view.requisition.number;
    let mut files: Vec<(String, Vec<u8>)> = vec![("qr.svg".into(), qr_svg(number))];
    let mut placements = Vec::new();
    let mut appended = Vec::new();
    let mut notes = Vec::new();
    for (i, (a, bytes)) in input.attachments.iter().enumerate() {
        let placement = if a.media_type == "application/pdf" {
            match merge::load(bytes) {
                Ok((doc, pages)) => {
                    appended.push(doc);
                    Placement::Appended { pages }
                }
                Err(why) => Placement::Refused(why),
            }
        } else if let Some(ext) = image_ext(&a.media_type) {
            // Checked here, because an image Typst cannot read would stop the
            // whole packet.
            match image::load_from_memory(bytes) {
                Ok(_) => {
                    let file = format!("attachment-{i}.{ext}");
                    files.push((file.clone(), bytes.clone()));
                    Placement::Image { file }
                }
                Err(e) => Placement::Refused(format!("not a readable image ({e})")),
            }
        } else {
            Placement::Listed
        };
        if let Placement::Refused(why) = &placement {
            notes.push(format!("'{}' was not included: {why}.", a.file_name));
        }
        placements.push(placement);
    }

    let mut data = data::build(input, &placements, paper);
    if let Some(logo) = input.logo {
        let file = format!("logo.{}", image_ext(logo.media_type).unwrap_or("png"));
        files.push((file.clone(), logo.bytes.clone()));
        data.logo = Some(file);
    }
    // The content hash covers everything printed except the generation time.
    let content = serde_json::to_vec(&data).expect("packet data serialises");
    let content_hash = sha256_hex(&content);
    data.packet_hash = content_hash[..12].to_owned();
    let generated = generated_at.format("%Y-%m-%d %H:%M UTC").to_string();
    data.generated = generated.clone();
    files.push(("data.json".into(), serde_json::to_vec(&data).expect("packet data serialises")));

    let (pdf, typeset_pages) = typeset(world::REQUISITION, files, &format!("requisition-{number}"), generated_at)?;
    let total = typeset_pages + data.extra_pages;
    let pdf = if appended.is_empty() {
        pdf
    } else {
        let short = &data.packet_hash;
        // An appended page carries no watermark of its own: its footer says it.
        let mark = [data.sample.then_some("SAMPLE DATA"), data.req.watermark]
            .into_iter()
            .flatten()
            .map(|w| format!("{w} - "))
            .collect::<String>();
        merge::append(&pdf, appended, merge::Corner::Bottom, |n| {
            format!("{mark}Requisition {number} - Page {n} of {total} - Generated {generated} - packet {short}")
        })
        .map_err(|e| Error::database(format!("the attachments could not be appended to the packet ({e})")))?
    };
    Ok(Packet { pdf, short_hash: content_hash[..12].to_owned(), content_hash, pages: total, notes })
}

/// Typesets `template` with `files` (which include its `data.json`) into a
/// PDF stamped as generated at `generated_at`; returns it with its page count.
pub(crate) fn typeset(
    template: &str,
    files: Vec<(String, Vec<u8>)>,
    ident: &str,
    generated_at: DateTime<Utc>,
) -> Result<(Vec<u8>, u32)> {
    let world = world::PacketWorld::new(template, files, generated_at.date_naive());
    let document: typst_layout::PagedDocument = typst::compile(&world).output.map_err(|errors| {
        let why: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Error::internal(format!("the document could not be typeset ({})", why.join("; ")))
    })?;
    let typeset_pages = document.pages().len() as u32;
    use chrono::{Datelike, Timelike};
    let stamp = typst::foundations::Datetime::from_ymd_hms(
        generated_at.year(),
        generated_at.month() as u8,
        generated_at.day() as u8,
        generated_at.hour() as u8,
        generated_at.minute() as u8,
        generated_at.second() as u8,
    )
    .expect("a UTC time is a Typst datetime");
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("coopdesk-{ident}")),
        timestamp: Some(typst_pdf::Timestamp::new_utc(stamp)),
        // Packets and reimbursement files are public records: tagged, so
        // that a screen reader follows headings, tables and reading order.
        tagged: true,
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| {
        let why: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Error::internal(format!("the document could not be written as PDF ({})", why.join("; ")))
    })?;
    Ok((pdf, typeset_pages))
}

impl Store {
    /// The packet for requisition `number` as it stands.
    pub fn build_packet(&self, number: &str, paper: Paper, generated_at: DateTime<Utc>) -> Result<Packet> {
        let today = generated_at.with_timezone(&chrono::Local).date_naive();
        let view = self.review_requisition(number, today)?;
        let settings = self.purchasing_settings()?;
        let agency = self.agency_profile()?;
        let logo = self.agency_logo()?;
        let attachments = view
            .requisition
            .attachments
            .iter()
            .map(|a| self.attachment_bytes(number, a.id))
            .collect::<Result<Vec<_>>>()?;
        render(
            &PacketInput {
                view: &view,
                agency: agency.as_ref(),
                settings: &settings,
                logo: logo.as_ref(),
                attachments: &attachments,
                today,
            },
            paper,
            generated_at,
        )
    }

    /// Builds the packet, writes it to `path` (or the save folder; beside it
    /// first, then renamed, so a failure never leaves half a file) and records
    /// the saving.
    pub fn save_packet(
        &mut self,
        number: &str,
        paper: Paper,
        path: Option<std::path::PathBuf>,
        actor: &str,
    ) -> Result<SavedPacket> {
        let path = self.save_path(path, &format!("requisition-{number}.pdf"))?;
        let packet = self.build_packet(number, paper, self.clock().now())?;
        crate::paths::write_atomically(&path, &packet.pdf)?;
        self.record_packet(number, &packet, &format!("saved to {}", path.display()), actor)?;
        Ok(SavedPacket { packet, path })
    }

    /// Builds the packet to send to the print dialog, recording the printing.
    pub fn print_packet(&mut self, number: &str, paper: Paper, actor: &str) -> Result<Packet> {
        let packet = self.build_packet(number, paper, self.clock().now())?;
        self.record_packet(number, &packet, "sent to the print dialog", actor)?;
        Ok(packet)
    }

    /// Records in the requisition's history that its packet was printed or
    /// saved, with the packet's hash.
    pub fn record_packet(&mut self, number: &str, packet: &Packet, how: &str, actor: &str) -> Result<()> {
        let all = crate::orders::Status::ALL;
        self.change_requisition(number, actor, "packet_printed", &all, |_, _| {
            let detail = serde_json::json!({
                "how": how, "content_hash": packet.content_hash, "pages": packet.pages, "notes": packet.notes,
            });
            Ok((detail, ()))
        })
    }
}
